import Foundation
import Connectors
import Crypto
import Domain
import HTTPServer
import Persistence

/// The customer's side of a card request (`CardRequestRoutes`), for `Public/card.html`: no login,
/// the link's secret in `Clearline-Card-Token` (the page keeps it in the URL's fragment, which no
/// server or log sees).
/// - `GET /card-links/{tenantId}/{requestId}`: who asks, and a fresh PayTrace Protect client
///   key with the library's address, for the page to set PayTrace's hosted fields up;
/// - `POST` the same, `{hpf_token, enc_key}` from the fields: the vault profile is created, or
///   updated when PayTrace has it, with the card PayTrace holds and the details of the customer's
///   Zoho Books contact. No card number is ever sent here, and none could be kept: the body takes
///   those two fields only.
/// A wrong secret is "not found", as for an unknown request, and is limited per request and
/// address; a used, withdrawn or expired link is 410.
enum CardLinkRoutes {
    static let path = "/card-links/{tenantId}/{requestId}"
    static let tokenHeader = "clearline-card-token"

    static let endpoints: [Endpoint] = [
        Endpoint("GET", path, access: .anonymous) { context in
            let opened = try open(context)
            let (client, key, contact) = try context.services.vendorCallSlots.run(tenantId: opened.tenantId) {
                () throws -> (PayTraceClient, String, [String: Any]?) in
                let client = try vendor("PayTrace") { try opened.payTrace() }
                let key = try vendor("PayTrace") { try client.protectClientKey() }
                // The name is a courtesy on the page; Zoho's trouble is not the customer's.
                return (client, key, try? opened.contact())
            }
            return context.json(
                CardLinkBody(
                    merchant: opened.merchant, customerName: contact?["contact_name"] as? String, status: "open", expiresAt: opened.request.expiresAt,
                    clientKey: key, protectScript: client.protectScriptURL))
        },
        Endpoint("POST", path, access: .anonymous) { context in
            var input = try JSONInput(context.request, allowed: ["hpf_token", "enc_key"])
            let token = input.string("hpf_token", required: true, maxLength: 100)
            let encKey = input.string("enc_key", required: true, maxLength: 200)
            for (field, value) in [("hpf_token", token), ("enc_key", encKey)] {
                if let value,
                    value.isEmpty
                        || !value.unicodeScalars.allSatisfy({
                            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_+/=".unicodeScalars.contains($0))
                        })
                {
                    input.add(FieldError(field: field, message: "must be what PayTrace's payment fields gave: letters, digits and - _ + / ="))
                }
            }
            try input.validate()
            guard let token, let encKey else { throw Problem.validation(input.errors) }
            let opened = try open(context)
            let outcome = try context.services.vendorCallSlots.run(tenantId: opened.tenantId) { try save(opened, hpfToken: token, encKey: encKey) }
            let completed = try context.tenantTransaction { tx -> CardRequest? in
                let done = try tx.cardRequests.complete(
                    tenantId: opened.tenantId, id: opened.request.id, outcome: outcome.0, maskedCardNumber: outcome.1, now: Date())
                if done != nil {
                    try context.audit(
                        tx, tenantId: opened.tenantId, action: "card_request.completed", targetType: "card_request",
                        targetId: opened.request.id.lowercasedString,
                        details: ["customer_id": opened.request.customerId, "profile": outcome.0.rawValue, "card": outcome.1 ?? ""])
                }
                return done
            }
            guard let completed else { throw Problem(status: 410, title: "Gone", detail: "This link was used already.") }
            return context.json(CardLinkDoneBody(status: "completed", profile: outcome.0.rawValue, maskedCardNumber: completed.maskedCardNumber))
        },
    ]

    static func hash(_ secret: String) -> String { Encoding.hex(Digest.sha256(secret)) }

    /// A vendor call whose failure is a 502 naming the vendor, in the vendor's cleaned words.
    static func vendor<T>(_ name: String, _ call: () throws -> T) throws -> T {
        do { return try call() } catch let error as ConnectorError {
            throw Problem(status: 502, title: "\(name) could not be reached", detail: error.message)
        }
    }

    /// A request whose link is still good, with what its calls need.
    struct Opened {
        let tenantId: UUID
        let merchant: String
        let request: CardRequest
        let payTraceConnection: Connection
        let payTraceSecrets: [String: String]
        let zohoConnection: Connection
        let zohoSecrets: [String: String]

        func payTrace() throws -> PayTraceClient {
            try PayTraceClient.forConnection(
                payTraceConnection, secrets: payTraceSecrets, transport: HTTPTransport.withinRequest.attributed(to: payTraceConnection))
        }

        func contact() throws -> [String: Any]? {
            try ZohoClients.forConnection(zohoConnection, secrets: zohoSecrets, transport: .withinRequest).books.contact(id: request.contactId)
        }
    }

    static func open(_ context: RequestContext) throws -> Opened {
        let tenantId = try context.tenantId
        let id = try context.uuidParameter("requestId", resource: "card request")
        let notFound = Problem.notFound("No such card request: check the link you were sent.")
        guard let secret = context.request.header(tokenHeader), (20...100).contains(secret.utf8.count) else { throw notFound }
        let guesses = WrongSecretLimit(context, thing: "card-link:\(id.lowercasedString)", what: "links")
        try guesses.check()
        let loaded = try context.tenantTransaction { tx -> Opened? in
            guard let request = try tx.cardRequests.get(tenantId: tenantId, environment: nil, id: id),
                Digest.constantTimeEquals(Array(request.secretHash.utf8), Array(hash(secret).utf8))
            else { return nil }
            guard request.isUsable(at: Date()) else {
                let why = request.status == .completed ? "was used already" : request.status == .cancelled ? "was withdrawn" : "has expired"
                throw Problem(status: 410, title: "Gone", detail: "This link \(why); ask for a new one.")
            }
            guard let payTrace = try tx.connections.get(tenantId: tenantId, environment: request.environment, id: request.connectionId),
                let zoho = try tx.connections.get(tenantId: tenantId, environment: request.environment, id: request.contactConnectionId)
            else { throw Problem(status: 410, title: "Gone", detail: "This link's connections were removed; ask for a new one.") }
            let merchant = try tx.tenants.get(id: tenantId)?.name ?? ""
            return Opened(
                tenantId: tenantId, merchant: merchant, request: request, payTraceConnection: payTrace,
                payTraceSecrets: try tx.connections.secrets(connection: payTrace), zohoConnection: zoho,
                zohoSecrets: try tx.connections.secrets(connection: zoho))
        }
        guard let loaded else {
            try guesses.recordFailure()
            throw notFound
        }
        return loaded
    }

    /// The profile made or updated from the contact, with the card behind the fields' token.
    static func save(_ opened: Opened, hpfToken: String, encKey: String) throws -> (CardRequest.Outcome, String?) {
        let contact: [String: Any]
        do {
            guard let found = try opened.contact() else { throw ConnectorError(.permanent, "Zoho Books has no such contact.") }
            contact = found
        } catch let error as ConnectorError where error.kind == .permanent {
            throw Problem(
                status: 409, title: "Customer details unavailable",
                detail: "The customer's Zoho Books contact \(opened.request.contactId) cannot be read (\(error.message)); ask the merchant for a new link.")
        } catch let error as ConnectorError {
            throw Problem(status: 502, title: "Zoho could not be reached", detail: error.message)
        }
        let address = contact["billing_address"] as? [String: Any] ?? [:]
        func text(_ value: Any?) -> String? { (value as? String).flatMap { $0.isEmpty ? nil : String($0.prefix(100)) } }
        let billing = PayTraceClient.Address(
            name: text(contact["contact_name"]) ?? opened.request.customerId, streetAddress: text(address["address"]), city: text(address["city"]),
            state: text(address["state"]), zip: text(address["zip"]))
        let client = try vendor("PayTrace") { try opened.payTrace() }
        let exists = try vendor("PayTrace") {
            try client.exportCustomers(id: opened.request.customerId).contains { $0.customerId == opened.request.customerId }
        }
        let reply: PayTraceReply
        do {
            reply = try client.protectSaveCustomer(
                id: opened.request.customerId, update: exists, hpfToken: hpfToken, encKey: encKey, billing: billing, email: text(contact["email"]),
                phone: text(contact["phone"]))
        } catch let error as ConnectorError where error.kind == .permanent {
            // A token used already or expired: the page can ask the fields for another.
            throw Problem.validation([FieldError(field: "hpf_token", message: "PayTrace did not take the card: \(error.message)")])
        } catch let error as ConnectorError {
            throw Problem(status: 502, title: "PayTrace could not be reached", detail: error.message)
        }
        let masked = (reply.object["masked_card_number"] as? String).flatMap { $0.range(of: "^[x0-9]{4,19}$", options: .regularExpression) != nil ? $0 : nil }
        return (exists ? .updated : .created, masked)
    }
}

struct CardLinkBody: Encodable {
    /// The tenant's name, who asks for the card.
    let merchant: String
    let customerName: String?
    let status: String
    let expiresAt: Date
    /// For `PTPayment.setup({authorization: {clientKey}})`.
    let clientKey: String
    /// PayTrace Protect's library, to load before `PTPayment.setup`.
    let protectScript: String
}

struct CardLinkDoneBody: Encodable {
    let status: String
    /// created or updated: what PayTrace did with the customer's profile.
    let profile: String
    let maskedCardNumber: String?
}
