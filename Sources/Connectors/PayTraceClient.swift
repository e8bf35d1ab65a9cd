public import Foundation
public import Domain
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// PayTrace JSON API v1 (../shared/reference/paytrace.md): OAuth password grant, tokens kept
/// until shortly before their two hours run out, one re-authentication on `invalid_token`.
public struct PayTraceClient: Sendable {
    public struct Credentials: Sendable {
        public let username: String
        public let password: String
        public let integratorId: String?
        public init(username: String, password: String, integratorId: String?) {
            self.username = username
            self.password = password
            self.integratorId = integratorId
        }
    }

    public static let productionURL = "https://api.paytrace.com"

    public let baseURL: URL
    public let credentials: Credentials
    /// Whose tokens these are: one cache entry per connection.
    public let cacheKey: String
    let transport: HTTPTransport
    let tokens: TokenCache

    public init(
        baseURL: URL, credentials: Credentials, cacheKey: String, transport: HTTPTransport = HTTPTransport(),
        tokens: TokenCache = .shared
    ) {
        self.baseURL = baseURL
        self.credentials = credentials
        self.cacheKey = cacheKey
        self.transport = transport
        self.tokens = tokens
    }

    /// The client for a PayTrace connection: its base URL (PayTrace's own by default), its
    /// credentials, and a token cache entry of its own.
    public static func forConnection(
        _ connection: Connection, secrets: [String: String], transport: HTTPTransport = HTTPTransport()
    ) throws(ConnectorError) -> PayTraceClient {
        guard let username = secrets["username"], let password = secrets["password"] else {
            throw ConnectorError(.authentication, "Set the PayTrace API user name and password first.")
        }
        guard let url = URL(string: connection.text("base_url") ?? productionURL) else {
            throw ConnectorError(.permanent, "The base URL is not a URL.")
        }
        return PayTraceClient(
            baseURL: url, credentials: .init(username: username, password: password, integratorId: secrets["integrator_id"]),
            cacheKey: connection.id.uuidString.lowercased(), transport: transport.attributed(to: connection))
    }

    /// A live access token: the cached one, or a new one (one request at a time per connection).
    public func accessToken() throws -> String {
        try tokens.token(for: cacheKey) { try requestToken() }
    }

    /// Asks PayTrace for a new token now, whatever is cached: what "Test connection" does.
    @discardableResult
    public func authenticate() throws -> String {
        try tokens.replace(for: cacheKey) { try requestToken() }
    }

    func requestToken() throws -> (token: String, expiresIn: TimeInterval) {
        var request = URLRequest(url: baseURL.appendingPathComponent("oauth/token"))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(Self.form(["grant_type": "password", "username": credentials.username, "password": credentials.password]).utf8)
        let reply = try transport.send(request, vendor: "PayTrace")
        // Throttling and server trouble first: those bodies may say "error" too, but retrying is right.
        if reply.status == 429 || reply.status >= 500,
            let failure = ConnectorError.forStatus(reply.status, vendor: "PayTrace", retryAfter: reply.header("retry-after"))
        {
            throw failure
        }
        let object = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
        if let error = object["error"] as? String {
            if error == "invalid_grant" {
                throw ConnectorError(.authentication, "PayTrace refused the API user name or password (invalid_grant).")
            }
            throw ConnectorError(.permanent, "PayTrace refused the token request (\(ConnectorError.excerpt(error))).")
        }
        if let failure = ConnectorError.forStatus(reply.status, vendor: "PayTrace", retryAfter: reply.header("retry-after")) { throw failure }
        guard let token = object["access_token"] as? String, !token.isEmpty else {
            throw ConnectorError(.retryable, "PayTrace answered the token request without a token.")
        }
        return (token, (object["expires_in"] as? Double) ?? (object["expires_in"] as? Int).map(Double.init) ?? 7200)
    }

    static func form(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
    }
}
