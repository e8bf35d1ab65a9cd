import Foundation

/// Zoho Books API v3 (../shared/reference/zoho.md section 2): `organization_id` on every call,
/// `Authorization: Zoho-oauthtoken …`, one token refresh on 401, and the envelope's `code`
/// (0 is success) rather than the HTTP status deciding what failed.
public struct ZohoBooksClient: Sendable {
    public let session: ZohoSession
    public let organizationId: String
    /// `books/v3` for Books; Inventory shares the envelope and organization under `inventory/v1`.
    let root: String
    let vendor: String

    public init(session: ZohoSession, organizationId: String) {
        self.init(session: session, organizationId: organizationId, root: "books/v3", vendor: "Zoho Books")
    }

    init(session: ZohoSession, organizationId: String, root: String, vendor: String) {
        self.session = session
        self.organizationId = organizationId
        self.root = root
        self.vendor = vendor
    }

    /// One call; returns the whole envelope when `code` is 0.
    public func call(_ method: String, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil) throws -> [String: Any] {
        let parameters = [("organization_id", organizationId)] + query.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let reply = try session.send(method, root + "/" + path, query: parameters, body: body, vendor: vendor)
        let object = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
        let code = object["code"] as? Int ?? -1
        if reply.status == 401 {
            throw ConnectorError(.authentication, "\(vendor) refused a fresh access token (code \(code)): check the scopes and the organization.")
        }
        guard code == 0 else {
            throw ConnectorError(
                .permanent, "\(vendor) rejected the request (code \(code)): \(ConnectorError.excerpt(object["message"] as? String ?? "no message"))")
        }
        return object
    }

    /// Every record of a list, page after page until `page_context.has_more_page` is false:
    /// Books gives at most 200 a page, and an organization's lists grow past that.
    public func all(_ path: String, key: String, query: [String: String] = [:]) throws -> [[String: Any]] {
        var records: [[String: Any]] = []
        var page = 1
        while true {
            let envelope = try call("GET", path, query: query.merging(["page": String(page), "per_page": "200"]) { $1 })
            let items = envelope[key] as? [[String: Any]] ?? []
            records += items
            // An empty page ends the list too, whatever page_context says.
            guard !items.isEmpty, (envelope["page_context"] as? [String: Any])?["has_more_page"] as? Bool == true else { return records }
            page += 1
        }
    }

    public func organizations() throws -> [[String: Any]] {
        try call("GET", "organizations")["organizations"] as? [[String: Any]] ?? []
    }

    public func contacts(name: String? = nil, email: String? = nil) throws -> [[String: Any]] {
        var query: [String: String] = [:]
        query["contact_name"] = name
        query["email"] = email
        return try all("contacts", key: "contacts", query: query)
    }

    /// One contact, with its receivable balances (`outstanding_receivable_amount`, `unused_credits_receivable_amount`).
    public func contact(id: String) throws -> [String: Any]? {
        try call("GET", "contacts/\(id)")["contact"] as? [String: Any]
    }

    public func createContact(_ contact: [String: Any]) throws -> [String: Any] {
        try call("POST", "contacts", body: contact)["contact"] as? [String: Any] ?? [:]
    }

    /// Invoices carrying `reference_number` (where Clearline puts the order or PayTrace id): the
    /// search before a create that makes a retried write safe.
    public func invoices(referenceNumber: String) throws -> [[String: Any]] {
        try all("invoices", key: "invoices", query: ["reference_number": referenceNumber])
    }

    /// A new invoice: a draft, as Books makes every invoice created through the API, until
    /// `markInvoiceSent`.
    public func createInvoice(_ invoice: [String: Any]) throws -> [String: Any] {
        try call("POST", "invoices", body: invoice)["invoice"] as? [String: Any] ?? [:]
    }

    /// Draft to sent: Books records no payment against a draft. Marking a sent one again changes nothing.
    public func markInvoiceSent(_ id: String) throws {
        _ = try call("POST", "invoices/\(id)/status/sent")
    }

    public func customerPayments(referenceNumber: String) throws -> [[String: Any]] {
        try all("customerpayments", key: "customerpayments", query: ["reference_number": referenceNumber])
    }

    public func createCustomerPayment(_ payment: [String: Any]) throws -> [String: Any] {
        try call("POST", "customerpayments", body: payment)["payment"] as? [String: Any] ?? [:]
    }
}
