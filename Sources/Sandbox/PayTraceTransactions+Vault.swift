import Foundation
import HTTPServer

/// PayTrace's customer vault (reference sections 5 and 12.6): profiles keyed by the merchant's
/// `customer_id`, codes 160 created, 161 updated, 162 deleted, 171 a duplicate id, 30 an unknown
/// one. Like PayTrace, only a masked card is ever given back; the emulator keeps the first six and
/// last four digits and the expiry.
struct VaultCustomer {
    var customerId: String
    var card: PayTraceCard
    var billing: [String: Any]
    var shipping: [String: Any]?
    var email: String?
    var phone: String?
}

extension PayTraceTransactions {
    typealias Guarded = (@escaping @Sendable ([String: Any]) -> Response) -> SandboxHandler

    func vaultRoutes(into router: inout Router<SandboxHandler>, prefix: String, guarded: Guarded) {
        router.add("POST", prefix + "/v1/customer/create", guarded { [self] in createCustomer($0) })
        router.add("POST", prefix + "/v1/customer/create_from_transaction", guarded { [self] in createCustomerFromTransaction($0) })
        router.add("POST", prefix + "/v1/customer/update", guarded { [self] in updateCustomer($0) })
        router.add("POST", prefix + "/v1/customer/delete", guarded { [self] in deleteCustomer($0) })
        router.add("POST", prefix + "/v1/customer/export", guarded { [self] in exportCustomers($0) })
    }

    func createCustomer(_ body: [String: Any]) -> Response {
        var errors: [String: [String]] = [:]
        let customerId = (body["customer_id"] as? String) ?? ""
        if customerId.isEmpty { errors["30", default: []].append("Please provide a valid Customer ID.") }
        let card = Self.card(body, errors: &errors)
        if !errors.isEmpty { return Self.errors(errors) }
        let customer = VaultCustomer(
            customerId: customerId, card: card,
            billing: body["billing_address"] as? [String: Any] ?? [:], shipping: body["shipping_address"] as? [String: Any],
            email: body["email"] as? String, phone: body["phone"] as? String)
        return store(customer)
    }

    func createCustomerFromTransaction(_ body: [String: Any]) -> Response {
        guard let customerId = body["customer_id"] as? String, !customerId.isEmpty else {
            return Self.errors(["30": ["Please provide a valid Customer ID."]])
        }
        guard let id = Self.id(body["transaction_id"]), let t = state.withLock({ $0.transactions[id] }), t.approved else {
            return Self.errors(Self.notFound)
        }
        return store(
            VaultCustomer(
                customerId: customerId, card: t.card,
                billing: body["billing_address"] as? [String: Any] ?? [:], shipping: nil, email: nil, phone: nil))
    }

    private func store(_ customer: VaultCustomer) -> Response {
        state.withLock { state -> Response in
            guard state.customers[customer.customerId] == nil else {
                return Self.errors(["171": ["Please provide a unique customer ID."]])
            }
            state.customers[customer.customerId] = customer
            return Self.profileReply(customer, code: 160, done: "created")
        }
    }

    /// "The customer profile for <id>/<name> was successfully <done>.", as PayTrace words it.
    static func profileReply(_ customer: VaultCustomer, code: Int, done: String) -> Response {
        let name = customer.billing["name"] as? String ?? ""
        var reply: [String: Any] = [
            "success": true, "response_code": code, "customer_id": customer.customerId,
            "status_message": "The customer profile for \(customer.customerId)/\(name) was successfully \(done).",
        ]
        if code != 162 { reply["masked_card_number"] = "xxxxxxxxxxxx" + customer.card.last4 }
        return SandboxResponses.json(200, reply)
    }

    func updateCustomer(_ body: [String: Any]) -> Response {
        state.withLock { state -> Response in
            guard let customerId = body["customer_id"] as? String, var customer = state.customers[customerId] else {
                return Self.errors(["30": ["Customer ID is not found."]])
            }
            if let billing = body["billing_address"] as? [String: Any] { customer.billing = billing }
            if let shipping = body["shipping_address"] as? [String: Any] { customer.shipping = shipping }
            if let email = body["email"] as? String { customer.email = email }
            if let phone = body["phone"] as? String { customer.phone = phone }
            if let card = body["credit_card"] as? [String: Any] {
                let number = (card["number"] as? String ?? "").filter(\.isNumber)
                var (bin, last4) = (customer.card.bin, customer.card.last4)
                if !number.isEmpty {
                    guard Self.luhn(number) else { return Self.errors(["35": ["Please provide a valid Credit Card Number."]]) }
                    (bin, last4) = (String(number.prefix(6)), String(number.suffix(4)))
                }
                var (month, year) = (customer.card.month, customer.card.year)
                if let given = Int("\(card["expiration_month"] ?? "")"), (1...12).contains(given) { month = given }
                if let given = Int("\(card["expiration_year"] ?? "")"), given >= 2000 { year = given }
                customer.card = PayTraceCard(bin: bin, last4: last4, month: month, year: year)
            }
            if let newId = body["new_id"] as? String, !newId.isEmpty, newId != customerId {
                guard state.customers[newId] == nil else { return Self.errors(["171": ["Please provide a unique customer ID."]]) }
                state.customers[customerId] = nil
                customer.customerId = newId
            }
            state.customers[customer.customerId] = customer
            return Self.profileReply(customer, code: 161, done: "updated")
        }
    }

    func deleteCustomer(_ body: [String: Any]) -> Response {
        state.withLock { state -> Response in
            guard let customerId = body["customer_id"] as? String, let customer = state.customers.removeValue(forKey: customerId) else {
                return Self.errors(["30": ["Customer ID is not found."]])
            }
            return Self.profileReply(customer, code: 162, done: "deleted")
        }
    }

    func exportCustomers(_ body: [String: Any]) -> Response {
        let filter = body["customer_id"] as? String
        let customers = state.withLock { state in state.customers.values.filter { filter == nil || $0.customerId == filter } }
            .sorted { $0.customerId < $1.customerId }
        return SandboxResponses.json(
            200,
            [
                "success": true, "response_code": 1, "status_message": "Your request has been successfully completed.",
                "customers": customers.map { c -> [String: Any] in
                    var item: [String: Any] = [
                        "customer_id": c.customerId, "billing_address": c.billing,
                        "credit_card": ["masked_number": c.card.masked(includeBin: false), "expiration_month": c.card.month, "expiration_year": c.card.year],
                        "email": c.email ?? "", "phone": c.phone ?? "",
                    ]
                    if let shipping = c.shipping { item["shipping_address"] = shipping }
                    return item
                },
            ])
    }

    /// A vault sale or authorization: the profile's card, no `masked_card_number` in the reply
    /// (reference section 3).
    func byCustomer(_ body: [String: Any], type: String) -> Response {
        guard let amount = SandboxResponses.decimal(body["amount"]), amount > 0 || (amount == 0 && type == "AUTHORIZATION") else {
            return Self.errors(["33": ["Please provide a valid Transaction Amount."]])
        }
        return state.withLock { state -> Response in
            guard let customerId = body["customer_id"] as? String, let customer = state.customers[customerId] else {
                return Self.errors(["30": ["Customer ID is not found."]])
            }
            let t = record(&state, amount: amount, card: customer.card, body: body, customerId: customerId, type: type)
            return SandboxResponses.json(200, Self.saleReply(t))
        }
    }
}
