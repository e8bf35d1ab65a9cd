/// Books' accounting calls (reference sections 2.7–2.10 and 5.1): credit notes and their
/// refunds, manual journals, the chart of accounts, currencies, and workflow webhooks.
extension ZohoBooksClient {
    public func createCreditNote(_ note: [String: Any]) throws -> [String: Any] {
        try call("POST", "creditnotes", body: note)["creditnote"] as? [String: Any] ?? [:]
    }

    public func creditNotes(referenceNumber: String) throws -> [[String: Any]] {
        try all("creditnotes", key: "creditnotes", query: ["reference_number": referenceNumber])
    }

    /// `[(invoice_id, amount_applied)]` against the credit note's balance.
    public func applyCreditNote(_ id: String, to invoices: [(invoiceId: String, amount: String)]) throws {
        _ = try call(
            "POST", "creditnotes/\(id)/invoices",
            body: ["invoices": invoices.map { ["invoice_id": $0.invoiceId, "amount_applied": $0.amount] }])
    }

    /// Cash back to the customer out of a credit note's balance.
    public func refundCreditNote(_ id: String, _ refund: [String: Any]) throws -> [String: Any] {
        try call("POST", "creditnotes/\(id)/refunds", body: refund)["creditnote_refund"] as? [String: Any] ?? [:]
    }

    /// The refunds made out of a credit note: the search before a refund that makes a retry safe.
    public func creditNoteRefunds(_ id: String) throws -> [[String: Any]] {
        try all("creditnotes/\(id)/refunds", key: "creditnote_refunds")
    }

    public func journals(referenceNumber: String) throws -> [[String: Any]] {
        try all("journals", key: "journals", query: ["reference_number": referenceNumber])
    }

    /// A manual journal; Books refuses one whose debits and credits differ.
    public func createJournal(_ journal: [String: Any]) throws -> [String: Any] {
        try call("POST", "journals", body: journal)["journal"] as? [String: Any] ?? [:]
    }

    public func publishJournal(_ id: String) throws {
        _ = try call("POST", "journals/\(id)/status/publish")
    }

    /// `filter_by` as Books spells it, e.g. `AccountType.Bank`.
    public func chartOfAccounts(filterBy: String? = nil) throws -> [[String: Any]] {
        try all("chartofaccounts", key: "chartofaccounts", query: filterBy.map { ["filter_by": $0] } ?? [:])
    }

    public func currencies() throws -> [[String: Any]] {
        try all("settings/currencies", key: "currencies")
    }

    public func exchangeRates(currencyId: String) throws -> [[String: Any]] {
        try call("GET", "settings/currencies/\(currencyId)/exchangerates")["exchange_rates"] as? [[String: Any]] ?? []
    }

    /// A workflow webhook posting `entity` changes to `url`, signed with `secret` (12–50 letters and digits).
    public func createWebhook(name: String, entity: String, url: String, secret: String?, events: [String]? = nil) throws -> [String: Any] {
        var body: [String: Any] = ["webhook_name": name, "entity": entity, "url": url, "method": "POST"]
        body["secret"] = secret
        body["events"] = events
        return try call("POST", "settings/webhooks", body: body)["webhook"] as? [String: Any] ?? [:]
    }
}
