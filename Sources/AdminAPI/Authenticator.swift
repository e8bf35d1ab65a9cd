import Crypto
import HTTPServer
import Persistence

/// Reads credentials: `Authorization: Bearer <api key>` first, else the session cookie.
enum Authenticator {
    static let sessionCookie = "clearline_session"

    /// The principal, or nil when the request carries no usable credentials.
    /// A malformed or unknown bearer token is an error (401), never silently anonymous.
    static func authenticate(_ request: Request, services: Services) throws -> Principal? {
        if let header = request.header("authorization") {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw Problem.unauthorized }
            let token = String(parts[1].trimmingSpaces)
            guard let prefix = APIKeyStore.prefix(of: token),
                let record = try services.credentials.record(prefix: prefix, fetch: { try APIKeyStore.record(services.database, prefix: $0) }),
                let credential = try APIKeyStore.credential(record, token: token)
            else {
                throw Problem.unauthorized
            }
            return try Principal(credential: credential, session: nil)
        }
        guard let token = cookie(sessionCookie, in: request.header("cookie")) else { return nil }
        guard let found = try SessionStore.authenticate(services.database, token: token) else { return nil }
        return try Principal(credential: found.credential, session: .init(token: token, user: found.user))
    }

    /// The CSRF token of a session: derived from the session token, so nothing more is stored,
    /// and useless to anyone who cannot read the HttpOnly cookie.
    static func csrfToken(forSession token: String) -> String {
        Encoding.hex(Digest.hmacSHA256(key: Array(token.utf8), message: Array("clearline-csrf-v1".utf8)))
    }

    static func checkCSRF(_ request: Request, principal: Principal) throws {
        guard let session = principal.session, !["GET", "HEAD", "OPTIONS"].contains(request.method) else { return }
        let expected = csrfToken(forSession: session.token)
        guard let sent = request.header("x-csrf-token"), Digest.constantTimeEquals(Array(sent.utf8), Array(expected.utf8)) else {
            throw Problem.forbidden("Missing or wrong X-CSRF-Token header; it is returned by login and GET /v1/auth/session.")
        }
    }

    static func cookie(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingSpaces == name {
                return String(pair[1].trimmingSpaces)
            }
        }
        return nil
    }
}

extension Substring {
    /// Without HTTP's optional whitespace (spaces and tabs) at either end. Foundation's
    /// `trimmingCharacters(in: .whitespaces)` was 3 % of an authenticated request.
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let first = text.utf8.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
        while let last = text.utf8.last, last == 0x20 || last == 0x09 { text = text.dropLast() }
        return text
    }
}
