public import Foundation
public import Domain
import Crypto

/// States of OAuth flows in progress: random, single use, ten minutes, stored as a hash.
public enum OAuthStateStore {
    public static let lifetime: TimeInterval = 600

    public static func create(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID,
        redirectURI: String, createdBy: String
    ) throws -> String {
        let state = SecureRandom.token(byteCount: 32)
        try tx.query(
            """
            INSERT INTO oauth_states (state_hash, tenant_id, environment, connection_id, redirect_uri, created_by, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
            """, [APIKeyStore.hash(state), tenantId, environment.rawValue, connectionId, redirectURI, createdBy, Int(lifetime)])
        try tx.query("DELETE FROM oauth_states WHERE tenant_id = $1 AND expires_at < now() - interval '1 day'", [tenantId])
        return state
    }

    /// The flow a state belongs to, consumed; nil when unknown, used or expired.
    public static func take(_ database: Database, state: String) throws -> PendingOAuth? {
        guard (1...128).contains(state.utf8.count) else { return nil }
        guard let row = try database.statement("SELECT * FROM clearline_take_oauth_state($1)", [APIKeyStore.hash(state)]).first,
            let environment = EnvironmentName(rawValue: try row.string("environment"))
        else { return nil }
        return PendingOAuth(
            tenantId: try row.uuid("tenant_id"), environment: environment, connectionId: try row.uuid("connection_id"),
            redirectURI: try row.string("redirect_uri"), createdBy: try row.string("created_by"))
    }
}
