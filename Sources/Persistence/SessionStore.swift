public import Foundation
public import Domain
import Crypto

/// Browser sessions. The cookie carries a random token; only its SHA-256 is stored.
public enum SessionStore {
    public static let lifetime = SessionPolicy.lifetime

    public static func create(_ tx: Transaction, user: User) throws -> String {
        // Logins are rare enough to carry the clean-up of sessions that expired a day ago.
        try tx.query("DELETE FROM sessions WHERE ctid IN (SELECT ctid FROM sessions WHERE expires_at < now() - interval '1 day' LIMIT 100)")
        let token = SecureRandom.token(byteCount: 32)
        try tx.query(
            """
            INSERT INTO sessions (token_hash, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
            """, [APIKeyStore.hash(token), user.id, user.tenantId, Int(lifetime)])
        return token
    }

    /// The credential and user behind a live session token; one statement outside any transaction.
    public static func authenticate(_ database: Database, token: String) throws -> (credential: Credential, user: User)? {
        guard token.utf8.count <= 128 else { return nil }
        guard let row = try database.statement("SELECT * FROM clearline_session_credential($1)", [APIKeyStore.hash(token)]).first else {
            return nil
        }
        let user = try UserStore.decode(row)
        let holder = try Credential.holder(tenantId: user.tenantId, role: try row.string("role"), tenantStatus: row.optionalString("tenant_status"))
        return (Credential(id: try row.uuid("session_id"), label: "user:\(user.id.lowercasedText)", holder: holder), user)
    }

    public static func revoke(_ tx: Transaction, token: String) throws {
        try tx.query("UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL", [APIKeyStore.hash(token)])
    }
}
