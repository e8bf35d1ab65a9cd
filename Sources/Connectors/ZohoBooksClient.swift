public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Zoho Books API v3 (../shared/reference/zoho.md section 2): `organization_id` on every call,
/// `Authorization: Zoho-oauthtoken …`, one token refresh on 401, and the envelope's `code`
/// (0 is success) rather than the HTTP status deciding what failed.
public struct ZohoBooksClient: Sendable {
    public let apiDomain: URL
    public let organizationId: String
    let accounts: ZohoAccountsClient
    let refreshToken: String
    let tokens: TokenCache
    let cacheKey: String
    let transport: HTTPTransport

    public init(apiDomain: URL, organizationId: String, accounts: ZohoAccountsClient, refreshToken: String,
                tokens: TokenCache = .shared, cacheKey: String, transport: HTTPTransport = HTTPTransport()) {
        self.apiDomain = apiDomain
        self.organizationId = organizationId
        self.accounts = accounts
        self.refreshToken = refreshToken
        self.tokens = tokens
        self.cacheKey = cacheKey
        self.transport = transport
    }

    /// One Books call; returns the whole envelope when `code` is 0.
    public func call(_ method: String, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil) throws -> [String: Any] {
        var reply = try send(method, path, query: query, body: body, token: token())
        if reply.status == 401 {
            tokens.invalidate(cacheKey)
            reply = try send(method, path, query: query, body: body, token: token())
        }
        if reply.status == 429 || reply.status >= 500,
           let failure = ConnectorError.forStatus(reply.status, vendor: "Zoho Books", retryAfter: reply.header("retry-after")) {
            throw failure
        }
        let object = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
        let code = object["code"] as? Int ?? -1
        if reply.status == 401 {
            throw ConnectorError(.authentication, "Zoho Books refused a fresh access token (code \(code)): check the scopes and the organization.")
        }
        guard code == 0 else {
            throw ConnectorError(.permanent, "Zoho Books rejected the request (code \(code)): \(object["message"] as? String ?? "no message")")
        }
        return object
    }

    public func organizations() throws -> [[String: Any]] {
        try call("GET", "organizations")["organizations"] as? [[String: Any]] ?? []
    }

    public func contacts(name: String? = nil, email: String? = nil) throws -> [[String: Any]] {
        var query: [String: String] = [:]
        query["contact_name"] = name
        query["email"] = email
        return try call("GET", "contacts", query: query)["contacts"] as? [[String: Any]] ?? []
    }

    public func createContact(_ contact: [String: Any]) throws -> [String: Any] {
        try call("POST", "contacts", body: contact)["contact"] as? [String: Any] ?? [:]
    }

    /// Invoices carrying `reference_number` (where Clearline puts the order or PayTrace id): the
    /// search before a create that makes a retried write safe.
    public func invoices(referenceNumber: String) throws -> [[String: Any]] {
        try call("GET", "invoices", query: ["reference_number": referenceNumber])["invoices"] as? [[String: Any]] ?? []
    }

    public func createInvoice(_ invoice: [String: Any]) throws -> [String: Any] {
        try call("POST", "invoices", body: invoice)["invoice"] as? [String: Any] ?? [:]
    }

    public func customerPayments(referenceNumber: String) throws -> [[String: Any]] {
        try call("GET", "customerpayments", query: ["reference_number": referenceNumber])["customerpayments"] as? [[String: Any]] ?? []
    }

    public func createCustomerPayment(_ payment: [String: Any]) throws -> [String: Any] {
        try call("POST", "customerpayments", body: payment)["payment"] as? [String: Any] ?? [:]
    }

    private func token() throws -> String {
        try tokens.token(for: cacheKey) {
            let fresh = try accounts.refresh(refreshToken: refreshToken)
            return (fresh.accessToken, fresh.expiresIn)
        }
    }

    private func send(_ method: String, _ path: String, query: [String: String], body: [String: Any]?, token: String) throws -> HTTPTransport.Reply {
        var components = URLComponents(url: apiDomain.appendingPathComponent("books/v3").appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.queryItems = ([URLQueryItem(name: "organization_id", value: organizationId)]
            + query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) })
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.setValue("Zoho-oauthtoken \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        return try transport.send(request, vendor: "Zoho Books")
    }
}
