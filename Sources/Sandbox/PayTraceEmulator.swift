public import Foundation
import Crypto
import HTTPServer
import Synchronization

/// PayTrace's JSON API v1, as ../shared/reference/paytrace.md describes it: the OAuth password
/// grant, ping, and the transactions in `PayTraceTransactions`. Token lifetime is configurable so tests can force expiry. The
/// status PayTrace sends with `invalid_grant` is not documented (marked unverified in the
/// reference): 400, as RFC 6749 says, configurable here.
public final class PayTraceEmulator: Sendable {
    public struct Account: Sendable {
        public let username: String
        public let password: String
        public let integratorId: String
        public init(username: String, password: String, integratorId: String) {
            self.username = username
            self.password = password
            self.integratorId = integratorId
        }
    }

    private struct State {
        var accounts: [String: Account] = [:]
        var tokens: [String: Date] = [:]
        var tokensIssued = 0
    }

    private let state = Mutex(State())
    let transactions = PayTraceTransactions()
    public let tokenLifetime: TimeInterval
    public let invalidGrantStatus: Int

    public init(accounts: [Account], tokenLifetime: TimeInterval = 7200, invalidGrantStatus: Int = 400) {
        self.tokenLifetime = tokenLifetime
        self.invalidGrantStatus = invalidGrantStatus
        state.withLock { state in for account in accounts { state.accounts[account.username] = account } }
    }

    public var tokensIssued: Int { state.withLock { $0.tokensIssued } }

    /// Every token issued so far stops working (as after its two hours).
    public func expireAllTokens() { state.withLock { $0.tokens = [:] } }

    func routes(into router: inout Router<SandboxHandler>, prefix: String) {
        router.add("POST", prefix + "/oauth/token") { [self] request in token(request) }
        router.add("GET", prefix + "/v1/ping") { _ in SandboxResponses.json(200, ["success": true, "status_message": "pong"]) }
        router.add("POST", prefix + "/v1/ping") { _ in SandboxResponses.json(200, ["success": true, "status_message": "pong"]) }
        transactions.routes(into: &router, prefix: prefix, emulator: self)
    }

    func token(_ request: Request) -> Response {
        let fields = SandboxResponses.fields(of: request)
        guard fields["grant_type"] == "password" else {
            return SandboxResponses.json(
                400,
                [
                    "error": "unsupported_grant_type",
                    "error_description": "The authorization grant type is not supported by the authorization server.",
                ])
        }
        let known = state.withLock { $0.accounts[fields["username"] ?? ""] }
        guard let account = known, account.password == fields["password"] else {
            return SandboxResponses.json(
                invalidGrantStatus,
                [
                    "error": "invalid_grant",
                    "error_description":
                        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
                ])
        }
        // The documented shape: three colon-separated hex parts.
        let token = [Encoding.hex(SecureRandom.bytes(16)), Encoding.hex(SecureRandom.bytes(16)), Encoding.hex(SecureRandom.bytes(16))].joined(separator: ":")
        let now = Date()
        state.withLock { state in
            state.tokens[token] = now.addingTimeInterval(tokenLifetime)
            state.tokensIssued += 1
        }
        return SandboxResponses.json(
            200,
            [
                "access_token": token, "token_type": "bearer", "expires_in": Int(tokenLifetime),
                "created_at": Int(now.timeIntervalSince1970),
            ])
    }

    /// 401 `invalid_token` unless the request carries a live bearer token.
    func requireToken(_ request: Request) -> Response? {
        guard let header = request.header("authorization"), header.hasPrefix("Bearer ") else {
            return SandboxResponses.json(401, ["error": "invalid_token", "error_description": "The access token is missing"])
        }
        let token = String(header.dropFirst("Bearer ".count))
        let live = state.withLock { $0.tokens[token].map { $0 > Date() } ?? false }
        return live
            ? nil
            : SandboxResponses.json(
                401, ["error": "invalid_token", "error_description": "The access token provided is expired, revoked, malformed or invalid"])
    }
}
