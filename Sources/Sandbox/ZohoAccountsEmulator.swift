public import Foundation
import Crypto
import HTTPServer
import Synchronization

/// Zoho Accounts OAuth 2.0 (../shared/reference/zoho.md section 1): the authorization redirect,
/// code exchange and refresh at `/oauth/v2/token`, with Zoho's habit of answering errors with
/// HTTP 200 and an `error` key, its limit of 10 access tokens per refresh token per 10 minutes,
/// and `POST /oauth/v2/token/revoke?token=` ending a refresh token and every access token from it.
/// Consent is granted at once: there is no person to click "Accept" in a sandbox.
public final class ZohoAccountsEmulator: Sendable {
    public struct Client: Sendable {
        public let id: String
        public let secret: String
        public init(id: String, secret: String) {
            self.id = id
            self.secret = secret
        }
    }

    private struct Grant { var clientId: String; var redirectURI: String; var scope: String; var expires: Date }
    private struct RefreshToken { var clientId: String; var scope: String; var minted: [Date] }
    private struct State {
        var clients: [String: Client] = [:]
        var codes: [String: Grant] = [:]
        var refreshTokens: [String: RefreshToken] = [:]
        var accessTokens: [String: AccessToken] = [:]
    }
    private struct AccessToken { var refresh: String; var expires: Date }

    private let state = Mutex(State())
    /// Where the emulated data center's APIs live (the `api_domain` of token responses); known
    /// once the sandbox listens.
    private let apiDomainValue: Mutex<String>
    public var apiDomain: String {
        get { apiDomainValue.withLock { $0 } }
        set { apiDomainValue.withLock { $0 = newValue } }
    }
    public let accessTokenLifetime: TimeInterval
    public static let tokensPerWindow = 10
    public static let window: TimeInterval = 600

    public init(clients: [Client], apiDomain: String, accessTokenLifetime: TimeInterval = 3600) {
        self.apiDomainValue = Mutex(apiDomain)
        self.accessTokenLifetime = accessTokenLifetime
        state.withLock { state in for client in clients { state.clients[client.id] = client } }
    }

    /// Every access token issued so far stops working (as after its hour).
    public func expireAccessTokens() { state.withLock { $0.accessTokens = [:] } }

    /// Every refresh token stops working (as when a user revokes the app).
    public func revokeAllRefreshTokens() { state.withLock { $0.refreshTokens = [:] } }

    public func isLive(accessToken: String) -> Bool {
        state.withLock { $0.accessTokens[accessToken].map { $0.expires > Date() } ?? false }
    }

    func routes(into router: inout Router<SandboxHandler>, prefix: String, accountsURL: @escaping @Sendable () -> String) {
        router.add("GET", prefix + "/oauth/v2/auth") { [self] request in authorize(request, accountsURL: accountsURL()) }
        router.add("POST", prefix + "/oauth/v2/token") { [self] request in token(request) }
        router.add("POST", prefix + "/oauth/v2/token/revoke") { [self] request in revoke(request) }
        // The API console's "Self Client": a grant code for a registered client, no browser.
        router.add("POST", "/_sandbox/zoho/self-client/code") { [self] request in
            let f = SandboxResponses.fields(of: request)
            guard let clientId = f["client_id"], state.withLock({ $0.clients[clientId] }) != nil else {
                return SandboxResponses.json(400, ["error": "invalid_client"])
            }
            let code = "1000." + Encoding.hex(SecureRandom.bytes(16)) + "." + Encoding.hex(SecureRandom.bytes(16))
            let grant = Grant(clientId: clientId, redirectURI: Self.selfClientRedirect, scope: f["scope"] ?? "", expires: Date().addingTimeInterval(180))
            state.withLock { $0.codes[code] = grant }
            return SandboxResponses.json(200, ["code": code, "expires_in": 180])
        }
    }

    /// What a self-client grant is exchanged with, as no browser comes back anywhere.
    public static let selfClientRedirect = "urn:zoho:self-client"

    func authorize(_ request: Request, accountsURL: String) -> Response {
        let q = request.query
        guard let clientId = q["client_id"], state.withLock({ $0.clients[clientId] }) != nil else {
            return Response(status: 400, contentType: "text/html; charset=utf-8", body: "<h1>Invalid Client</h1><p>The client_id is not registered.</p>")
        }
        guard q["response_type"] == "code", let redirect = q["redirect_uri"], var target = URLComponents(string: redirect),
            target.scheme == "http" || target.scheme == "https"
        else {
            return Response(status: 400, contentType: "text/html; charset=utf-8", body: "<h1>Invalid Redirect Uri</h1>")
        }
        let code = "1000." + Encoding.hex(SecureRandom.bytes(16)) + "." + Encoding.hex(SecureRandom.bytes(16))
        let grant = Grant(clientId: clientId, redirectURI: redirect, scope: q["scope"] ?? "", expires: Date().addingTimeInterval(180))
        state.withLock { $0.codes[code] = grant }
        var items = target.queryItems ?? []
        items += [
            URLQueryItem(name: "code", value: code), URLQueryItem(name: "location", value: "us"),
            URLQueryItem(name: "accounts-server", value: accountsURL),
        ]
        if let stateParameter = q["state"] { items.append(URLQueryItem(name: "state", value: stateParameter)) }
        target.queryItems = items
        return Response(status: 302, headers: [("Location", target.string ?? redirect)])
    }

    func token(_ request: Request) -> Response {
        let f = SandboxResponses.fields(of: request)
        let outcome: [String: Any] = state.withLock { state in
            guard let clientId = f["client_id"], let client = state.clients[clientId] else { return ["error": "invalid_client"] }
            guard f["client_secret"] == client.secret else { return ["error": "invalid_client_secret"] }
            switch f["grant_type"] {
            case "authorization_code":
                guard let code = f["code"], let grant = state.codes.removeValue(forKey: code), grant.clientId == clientId,
                    grant.expires > Date(), f["redirect_uri"] == nil || f["redirect_uri"] == grant.redirectURI
                else {
                    return ["error": "invalid_code"]
                }
                let refresh = "1000." + Encoding.hex(SecureRandom.bytes(24))
                state.refreshTokens[refresh] = RefreshToken(clientId: clientId, scope: grant.scope, minted: [])
                var body = mint(&state, refresh: refresh)
                body["refresh_token"] = refresh
                return body
            case "refresh_token":
                guard let refresh = f["refresh_token"], let known = state.refreshTokens[refresh], known.clientId == clientId else {
                    return ["error": "invalid_code"]
                }
                let recent = known.minted.filter { Date().timeIntervalSince($0) < Self.window }
                guard recent.count < Self.tokensPerWindow else {
                    return [
                        "error_description": "You have made too many requests continuously. Please try again after some time.",
                        "error": "Access Denied", "status": "failure",
                    ]
                }
                return mint(&state, refresh: refresh)
            default:
                return ["error": "unsupported_grant_type"]
            }
        }
        // Zoho answers token errors with HTTP 200 too.
        return SandboxResponses.json(200, outcome)
    }

    /// Ends a refresh token and its access tokens. Zoho answers `{"status":"success"}`; for a token
    /// it does not know it documents nothing: the emulator answers `{"status":"failure","error":"invalid_token"}`,
    /// with HTTP 200 as its other token errors.
    func revoke(_ request: Request) -> Response {
        let token = SandboxResponses.fields(of: request)["token"] ?? ""
        let known = state.withLock { state -> Bool in
            guard state.refreshTokens.removeValue(forKey: token) != nil else { return false }
            state.accessTokens = state.accessTokens.filter { $0.value.refresh != token }
            return true
        }
        return SandboxResponses.json(200, known ? ["status": "success"] : ["status": "failure", "error": "invalid_token"])
    }

    private func mint(_ state: inout State, refresh: String) -> [String: Any] {
        let access = "1000." + Encoding.hex(SecureRandom.bytes(16)) + "." + Encoding.hex(SecureRandom.bytes(16))
        let now = Date()
        state.accessTokens[access] = AccessToken(refresh: refresh, expires: now.addingTimeInterval(accessTokenLifetime))
        let recent = (state.refreshTokens[refresh]?.minted ?? []).filter { now.timeIntervalSince($0) < Self.window }
        state.refreshTokens[refresh]?.minted = recent + [now]
        return ["access_token": access, "api_domain": apiDomain, "token_type": "Bearer", "expires_in": Int(accessTokenLifetime)]
    }
}
