public import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Zoho Accounts OAuth 2.0 (../shared/reference/zoho.md section 1): the authorization-code flow
/// against the accounts server of the organization's data center, and refresh-token grants.
/// Zoho answers many token errors with HTTP 200, so any answer without `access_token` is a failure.
public struct ZohoAccountsClient: Sendable {
    /// Accounts servers by data center; Canada is zohocloud.ca, not zoho.ca.
    public static let accountsServers: [String: String] = [
        "us": "https://accounts.zoho.com", "eu": "https://accounts.zoho.eu", "in": "https://accounts.zoho.in",
        "au": "https://accounts.zoho.com.au", "jp": "https://accounts.zoho.jp", "ca": "https://accounts.zohocloud.ca",
        "sa": "https://accounts.zoho.sa", "cn": "https://accounts.zoho.com.cn",
    ]

    public struct Tokens: Sendable, Equatable {
        public let accessToken: String
        public let refreshToken: String?
        public let apiDomain: String?
        public let expiresIn: TimeInterval
    }

    public let accountsURL: URL
    public let clientId: String
    public let clientSecret: String
    let transport: HTTPTransport

    public init(accountsURL: URL, clientId: String, clientSecret: String, transport: HTTPTransport = HTTPTransport()) {
        self.accountsURL = accountsURL
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.transport = transport
    }

    /// Scopes for the products a connection uses (Books when none is chosen).
    public static func scopes(books: Bool, inventory: Bool, crm: Bool) -> [String] {
        var scopes: [String] = []
        if books || (!inventory && !crm) { scopes.append("ZohoBooks.fullaccess.all") }
        if inventory { scopes.append("ZohoInventory.FullAccess.all") }
        if crm { scopes += ["ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL"] }
        return scopes
    }

    /// Where to send the person's browser; `access_type=offline` and `prompt=consent` make Zoho
    /// issue a refresh token.
    public func authorizationURL(redirectURI: String, scopes: [String], state: String) -> URL {
        var components = URLComponents(url: accountsURL.appendingPathComponent("oauth/v2/auth"), resolvingAgainstBaseURL: false)!
        components.queryItems = [
            URLQueryItem(name: "scope", value: scopes.joined(separator: ",")), URLQueryItem(name: "client_id", value: clientId),
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "access_type", value: "offline"),
            URLQueryItem(name: "prompt", value: "consent"), URLQueryItem(name: "redirect_uri", value: redirectURI),
            URLQueryItem(name: "state", value: state),
        ]
        return components.url!
    }

    public func exchange(code: String, redirectURI: String) throws -> Tokens {
        let tokens = try post([
            "grant_type": "authorization_code", "client_id": clientId, "client_secret": clientSecret,
            "redirect_uri": redirectURI, "code": code,
        ])
        guard tokens.refreshToken != nil else {
            throw ConnectorError(.permanent, "Zoho issued no refresh token; connect again and accept offline access.")
        }
        return tokens
    }

    public func refresh(refreshToken: String) throws -> Tokens {
        try post(["grant_type": "refresh_token", "client_id": clientId, "client_secret": clientSecret, "refresh_token": refreshToken])
    }

    /// A new access token and its lifetime, in the shape `TokenCache` stores.
    public func accessToken(refreshToken: String) throws -> (token: String, expiresIn: TimeInterval) {
        let tokens = try refresh(refreshToken: refreshToken)
        return (tokens.accessToken, tokens.expiresIn)
    }

    private func post(_ fields: [String: String]) throws -> Tokens {
        var request = URLRequest(url: accountsURL.appendingPathComponent("oauth/v2/token"))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(PayTraceClient.form(fields).utf8)
        let reply = try transport.send(request, vendor: "Zoho")
        if reply.status == 429 || reply.status >= 500,
            let failure = ConnectorError.forStatus(reply.status, vendor: "Zoho", retryAfter: reply.header("retry-after"))
        {
            throw failure
        }
        let object = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
        guard let access = object["access_token"] as? String, !access.isEmpty else {
            throw Self.failure(object["error"] as? String, status: reply.status)
        }
        let expires = (object["expires_in"] as? Double) ?? (object["expires_in"] as? Int).map(Double.init) ?? 3600
        return Tokens(
            accessToken: access, refreshToken: object["refresh_token"] as? String, apiDomain: object["api_domain"] as? String,
            expiresIn: expires)
    }

    static func failure(_ error: String?, status: Int) -> ConnectorError {
        switch error {
        case "invalid_code":
            return ConnectorError(.authentication, "Zoho no longer accepts the grant or refresh token (invalid_code); connect Zoho again.")
        case "invalid_client":
            return ConnectorError(.authentication, "Zoho does not know the client ID for this data center (invalid_client).")
        case "invalid_client_secret":
            return ConnectorError(.authentication, "Zoho refused the client secret (invalid_client_secret).")
        case "Access Denied", "access_denied":
            // Ten access tokens per refresh token per ten minutes: wait out the window.
            return ConnectorError(.rateLimited(retryAfter: 600), "Zoho is throttling token requests; it will accept one again within ten minutes.")
        case let other?:
            return ConnectorError(.permanent, "Zoho refused the token request (\(ConnectorError.excerpt(other))).")
        case nil:
            return ConnectorError(.retryable, "Zoho answered the token request without a token (HTTP \(status)).")
        }
    }
}
