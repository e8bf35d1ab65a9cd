import Foundation

/// A customer profile in PayTrace's vault, as `customer/export` lists it: the card only masked.
public struct PayTraceCustomer: Sendable, Equatable {
    public let customerId: String
    public let maskedCardNumber: String?
    public let billingName: String?
    public let email: String?
}

/// The customer vault (reference section 5). The card number passes through to PayTrace and is
/// never kept by Clearline.
extension PayTraceClient {
    public struct Card: Sendable {
        public let number: String
        public let expirationMonth: Int
        public let expirationYear: Int
        public init(number: String, expirationMonth: Int, expirationYear: Int) {
            self.number = number
            self.expirationMonth = expirationMonth
            self.expirationYear = expirationYear
        }
    }

    public struct Address: Sendable {
        public let name: String
        public let streetAddress: String?
        public let city: String?
        public let state: String?
        public let zip: String?
        public init(name: String, streetAddress: String? = nil, city: String? = nil, state: String? = nil, zip: String? = nil) {
            self.name = name
            self.streetAddress = streetAddress
            self.city = city
            self.state = state
            self.zip = zip
        }

        var fields: [String: Any] {
            var fields: [String: Any] = ["name": name]
            if let streetAddress { fields["street_address"] = streetAddress }
            if let city { fields["city"] = city }
            if let state { fields["state"] = state }
            if let zip { fields["zip"] = zip }
            return fields
        }
    }

    /// Creates a profile (160); an id already in the vault is a permanent error (171).
    public func createCustomer(id: String, card: Card, billing: Address, email: String? = nil) throws -> PayTraceReply {
        var body: [String: Any] = [
            "customer_id": id, "billing_address": billing.fields,
            "credit_card": ["number": card.number, "expiration_month": card.expirationMonth, "expiration_year": card.expirationYear],
        ]
        if let email { body["email"] = email }
        return try call("v1/customer/create", body)
    }

    public func createCustomer(id: String, fromTransaction transactionId: Int, billing: Address) throws -> PayTraceReply {
        try call("v1/customer/create_from_transaction", ["customer_id": id, "transaction_id": transactionId, "billing_address": billing.fields])
    }

    /// Changes what is given (161); `newId` renames the profile.
    public func updateCustomer(id: String, newId: String? = nil, billing: Address? = nil, email: String? = nil) throws -> PayTraceReply {
        var body: [String: Any] = ["customer_id": id]
        if let newId { body["new_id"] = newId }
        if let billing { body["billing_address"] = billing.fields }
        if let email { body["email"] = email }
        return try call("v1/customer/update", body)
    }

    /// Where the buyer's browser loads PayTrace Protect's library from: PayTrace's protect host
    /// beside its API host (production or PayTrace's own sandbox), or, for any other API address
    /// (Clearline's sandbox), `<base>/protect`, where that serves it.
    public var protectScriptURL: String {
        switch baseURL.host?.lowercased() {
        case "api.paytrace.com": return "https://protect.paytrace.com/js/protect.min.js"
        case "api.sandbox.paytrace.com": return "https://protect.sandbox.paytrace.com/js/protect.min.js"
        default: return baseURL.appendingPathComponent("protect/js/protect.min.js").absoluteString
        }
    }

    /// A client key for PayTrace Protect's hosted fields (`v1/payment_fields/token/create`): the
    /// buyer's browser sets the fields up with it, and the card goes from there to PayTrace only.
    public func protectClientKey() throws -> String {
        guard let key = try call("v1/payment_fields/token/create", [:]).object["clientKey"] as? String, !key.isEmpty else {
            throw ConnectorError(.retryable, "PayTrace did not give a client key for its payment fields.")
        }
        return key
    }

    /// A profile from hosted fields' token (`pt_protect_create`, 160), or a new card and details
    /// for an existing one (`pt_protect_update`, 161). The card number is PayTrace's alone.
    public func protectSaveCustomer(
        id: String, update: Bool, hpfToken: String, encKey: String, billing: Address, email: String? = nil, phone: String? = nil
    ) throws -> PayTraceReply {
        var body: [String: Any] = ["customer_id": id, "hpf_token": hpfToken, "enc_key": encKey, "billing_address": billing.fields]
        if let email { body["email"] = email }
        if let phone { body["phone"] = phone }
        return try call(update ? "v1/customer/pt_protect_update" : "v1/customer/pt_protect_create", body)
    }

    public func deleteCustomer(id: String) throws -> PayTraceReply {
        try call("v1/customer/delete", ["customer_id": id])
    }

    public func exportCustomers(id: String? = nil) throws -> [PayTraceCustomer] {
        let reply = try call("v1/customer/export", id.map { ["customer_id": $0] } ?? [:])
        let items = reply.object["customers"] as? [[String: Any]] ?? []
        return items.compactMap { item in
            guard let id = item["customer_id"] as? String else { return nil }
            return PayTraceCustomer(
                customerId: id, maskedCardNumber: (item["credit_card"] as? [String: Any])?["masked_number"] as? String,
                billingName: (item["billing_address"] as? [String: Any])?["name"] as? String,
                email: (item["email"] as? String).flatMap { $0.isEmpty ? nil : $0 })
        }
    }
}
