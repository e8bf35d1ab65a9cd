public import Foundation
import Domain
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What every Zoho data API call shares (Books, Inventory, CRM): an access token from the
/// shared cache, minted from the connection's refresh token one caller at a time, sent as
/// `Zoho-oauthtoken`, and one refresh and retry when the API answers 401. Books and Inventory
/// report their quota on every answer (`X-Rate-Limit-*`); `onQuota` hears each reading, so the
/// caller's limiter can stop before Zoho refuses.
public struct ZohoSession: Sendable {
    /// `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` (seconds until the quota renews).
    public struct Quota: Sendable, Equatable {
        public let limit: Int
        public let remaining: Int
        public let resetSeconds: Double

        init?(_ reply: HTTPTransport.Reply) {
            guard let remaining = reply.header("x-rate-limit-remaining").flatMap(Int.init),
                let reset = reply.header("x-rate-limit-reset").flatMap(Double.init)
            else { return nil }
            self.limit = reply.header("x-rate-limit-limit").flatMap(Int.init) ?? remaining
            self.remaining = remaining
            self.resetSeconds = reset
        }
    }

    public let apiDomain: URL
    let accounts: ZohoAccountsClient
    let refreshToken: String
    let tokens: TokenCache
    let cacheKey: String
    let transport: HTTPTransport
    let onQuota: (@Sendable (Quota) -> Void)?

    public init(
        apiDomain: URL, accounts: ZohoAccountsClient, refreshToken: String, tokens: TokenCache = .shared,
        cacheKey: String, transport: HTTPTransport = HTTPTransport(), onQuota: (@Sendable (Quota) -> Void)? = nil
    ) {
        self.onQuota = onQuota
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
        let quota = Quota(reply)
        if let quota { onQuota?(quota) }
        // Zoho documents no Retry-After; its quota's reset says when calls are welcome again.
        let retryAfter = reply.header("retry-after") ?? quota.map { String($0.resetSeconds) }
        if reply.status == 429 || reply.status >= 500,
            let failure = ConnectorError.forStatus(reply.status, vendor: vendor, retryAfter: retryAfter)
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
        // GET is the default; setting it anyway costs a locale-aware comparison per known method.
        if method != "GET" { request.httpMethod = method }
        request.setValue("Zoho-oauthtoken \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try FoundationJSON.data(body).map { Data($0) } ?? JSONSerialization.data(withJSONObject: body)
        }
        return try transport.send(request, vendor: vendor)
    }
}
