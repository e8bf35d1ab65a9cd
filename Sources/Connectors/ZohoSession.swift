public import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What every Zoho data API call shares (Books, Inventory, CRM): an access token from the
/// shared cache, minted from the connection's refresh token one caller at a time, sent as
/// `Zoho-oauthtoken`, and one refresh and retry when the API answers 401.
public struct ZohoSession: Sendable {
    public let apiDomain: URL
    let accounts: ZohoAccountsClient
    let refreshToken: String
    let tokens: TokenCache
    let cacheKey: String
    let transport: HTTPTransport

    public init(
        apiDomain: URL, accounts: ZohoAccountsClient, refreshToken: String, tokens: TokenCache = .shared,
        cacheKey: String, transport: HTTPTransport = HTTPTransport()
    ) {
        self.apiDomain = apiDomain
        self.accounts = accounts
        self.refreshToken = refreshToken
        self.tokens = tokens
        self.cacheKey = cacheKey
        self.transport = transport
    }

    /// Sends `method path?query` with a JSON `body`; a 401 gets one fresh token and one more try.
    /// 429 and 5xx become `ConnectorError`s; any other reply is the caller's to read.
    func send(_ method: String, _ path: String, query: [(String, String)], body: [String: Any]?, vendor: String) throws -> HTTPTransport.Reply {
        var reply = try attempt(method, path, query: query, body: body, vendor: vendor)
        if reply.status == 401 {
            tokens.invalidate(cacheKey)
            reply = try attempt(method, path, query: query, body: body, vendor: vendor)
        }
        if reply.status == 429 || reply.status >= 500,
            let failure = ConnectorError.forStatus(reply.status, vendor: vendor, retryAfter: reply.header("retry-after"))
        {
            throw failure
        }
        return reply
    }

    private func attempt(_ method: String, _ path: String, query: [(String, String)], body: [String: Any]?, vendor: String) throws -> HTTPTransport.Reply {
        let token = try tokens.token(for: cacheKey) { try accounts.accessToken(refreshToken: refreshToken) }
        var components = URLComponents(url: apiDomain.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.setValue("Zoho-oauthtoken \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        return try transport.send(request, vendor: vendor)
    }
}
