import Foundation
import HTTPServer

/// PayTrace Protect, the hosted payment fields (reference section 3, "Hosted fields"): a
/// merchant's server asks `v1/payment_fields/token/create` for a `clientKey`; the buyer's browser
/// loads `protect.min.js` from PayTrace's protect host, whose `PTPayment.setup` puts the card
/// fields in an iframe of that host, and `process()` sends the card from the iframe straight to
/// PayTrace, answering `{message: {hpf_token, enc_key}}`; the merchant's server then makes a vault
/// profile of it (`v1/customer/pt_protect_create`, 160, or `pt_protect_update`, 161). The card
/// never passes the merchant's page or server. Here the protect host is the sandbox itself, under
/// `<prefix>/protect`; a client key lasts 15 minutes and an hpf token is used once.
struct ProtectState {
    var clientKeys: [String: Date] = [:]
    var tokens: [String: (encKey: String, card: PayTraceCard, expires: Date)] = [:]
}

extension PayTraceTransactions {
    static let protectLifetime: TimeInterval = 900

    func protectRoutes(into router: inout Router<SandboxHandler>, prefix: String, guarded: Guarded) {
        router.add("POST", prefix + "/v1/payment_fields/token/create", guarded { [self] _ in clientKey() })
        router.add("POST", prefix + "/v1/customer/pt_protect_create", guarded { [self] in protectProfile($0, update: false) })
        router.add("POST", prefix + "/v1/customer/pt_protect_update", guarded { [self] in protectProfile($0, update: true) })
        router.add("GET", prefix + "/protect/js/protect.min.js") { _ in Self.asset(PayTraceProtectAssets.library, type: "text/javascript; charset=utf-8") }
        router.add("GET", prefix + "/protect/js/hpf.js") { _ in Self.asset(PayTraceProtectAssets.fieldsScript, type: "text/javascript; charset=utf-8") }
        router.add("GET", prefix + "/protect/hpf") { _ in Self.asset(PayTraceProtectAssets.fieldsPage, type: "text/html; charset=utf-8") }
        router.add("POST", prefix + "/protect/tokenize") { [self] request in tokenize(request) }
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(status: 200, headers: [("Content-Type", type), ("Cache-Control", "no-cache")], body: Array(text.utf8))
    }

    private func clientKey() -> Response {
        let key = Self.randomText(24)
        protect.withLock { state in
            state.clientKeys = state.clientKeys.filter { $0.value > Date() }
            state.clientKeys[key] = Date().addingTimeInterval(Self.protectLifetime)
        }
        return SandboxResponses.json(200, ["clientKey": key])
    }

    /// What the fields' iframe posts: the card, under a client key still good. Answers the hpf
    /// token and its key, or the errors PayTrace's fields show (35 number, 43 month, 44 year).
    private func tokenize(_ request: Request) -> Response {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        guard let key = body["clientKey"] as? String, protect.withLock({ ($0.clientKeys[key] ?? .distantPast) > Date() }) else {
            return SandboxResponses.json(401, ["errors": [["responseCode": "1", "description": "The client key is not valid or has expired."]]])
        }
        var errors: [String: [String]] = [:]
        let card = Self.card(
            [
                "credit_card": [
                    "number": body["number"] ?? "", "expiration_month": body["expiration_month"] ?? "", "expiration_year": body["expiration_year"] ?? "",
                ]
            ],
            errors: &errors)
        guard errors.isEmpty else {
            return SandboxResponses.json(
                400, ["errors": errors.keys.sorted().map { ["responseCode": $0, "description": errors[$0]?.first ?? ""] }])
        }
        let (token, encKey) = (UUID().uuidString.lowercased(), Data(Self.randomText(32).utf8).base64EncodedString())
        protect.withLock { state in
            state.tokens = state.tokens.filter { $0.value.expires > Date() }
            state.tokens[token] = (encKey, card, Date().addingTimeInterval(Self.protectLifetime))
        }
        return SandboxResponses.json(200, ["hpf_token": token, "enc_key": encKey])
    }

    /// A vault profile from an hpf token: created (160; 171 if the id is taken) or updated (161;
    /// 30 if there is no such profile). The token is spent either way once it matched.
    private func protectProfile(_ body: [String: Any], update: Bool) -> Response {
        guard let customerId = body["customer_id"] as? String, !customerId.isEmpty else {
            return Self.errors(["30": ["Please provide a valid Customer ID."]])
        }
        let token = body["hpf_token"] as? String ?? ""
        let encKey = body["enc_key"] as? String ?? ""
        guard
            let card = protect.withLock({ state -> PayTraceCard? in
                guard let held = state.tokens[token], held.encKey == encKey, held.expires > Date() else { return nil }
                state.tokens[token] = nil
                return held.card
            })
        else { return Self.errors(["981": ["The hosted payment fields token is not valid, was used already or has expired."]]) }
        return state.withLock { state -> Response in
            if update {
                guard var customer = state.customers[customerId] else { return Self.errors(["30": ["Customer ID is not found."]]) }
                customer.card = card
                if let billing = body["billing_address"] as? [String: Any] { customer.billing = billing }
                if let email = body["email"] as? String { customer.email = email }
                if let phone = body["phone"] as? String { customer.phone = phone }
                state.customers[customerId] = customer
                return Self.profileReply(customer, code: 161, done: "updated")
            }
            guard state.customers[customerId] == nil else { return Self.errors(["171": ["Please provide a unique customer ID."]]) }
            let customer = VaultCustomer(
                customerId: customerId, card: card, billing: body["billing_address"] as? [String: Any] ?? [:],
                shipping: body["shipping_address"] as? [String: Any], email: body["email"] as? String, phone: body["phone"] as? String)
            state.customers[customerId] = customer
            return Self.profileReply(customer, code: 160, done: "created")
        }
    }

    private static func randomText(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
