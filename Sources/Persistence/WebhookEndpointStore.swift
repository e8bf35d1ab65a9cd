public import Foundation
public import Domain
import Crypto

/// Where vendors and shops deliver events (`POST /hooks/{id}`), and the secrets that verify
/// them, sealed in the vault and bound to the endpoint.
public enum WebhookEndpointStore {
    /// Notified with the endpoint id when it is disabled, enabled or its secret rotated, so
    /// processes that keep endpoints in memory drop them.
    public static let channel = "clearline_webhook_endpoints"

    /// After a rotation the previous secret keeps working this long.
    public static let rotationOverlap: TimeInterval = 24 * 3600

    static let columns = """
        e.id, e.tenant_id, e.environment, e.name, e.source, e.verification, e.secret_header, e.connection_id, e.status, e.created_at, e.updated_at,
        (SELECT s.hint FROM webhook_endpoint_secrets s WHERE s.endpoint_id = e.id ORDER BY s.version DESC LIMIT 1) AS secret_hint,
        (SELECT s.created_at FROM webhook_endpoint_secrets s WHERE s.endpoint_id = e.id ORDER BY s.version DESC LIMIT 1) AS secret_created_at
        """

    /// Creates the endpoint and, when its mode signs, its first secret (returned once, never again).
    public static func create(
        _ tx: Transaction, vault: Vault, tenantId: UUID, environment: EnvironmentName, name: String, source: String,
        verification: WebhookVerification, secretHeader: String?, connectionId: UUID?
    ) throws -> (WebhookEndpoint, String?) {
        guard
            let row = try tx.one(
                """
                INSERT INTO webhook_endpoints (tenant_id, environment, name, source, verification, secret_header, connection_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                """, [tenantId, environment.rawValue, CardNumberMasking.maskText(name), source, verification.rawValue, secretHeader, connectionId])
        else {
            throw PostgresError(kind: .decoding, message: "INSERT returned no row")
        }
        let id = try row.uuid("id")
        let secret = verification.usesSecret ? try addSecret(tx, vault: vault, tenantId: tenantId, endpointId: id, verification: verification) : nil
        guard let endpoint = try get(tx, tenantId: tenantId, environment: environment, id: id) else { throw DomainError.notFound("endpoint") }
        return (endpoint, secret)
    }

    public static func list(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<
        WebhookEndpoint
    > {
        try Paging.fetch(
            tx, "SELECT \(columns) FROM webhook_endpoints e WHERE e.tenant_id = $1 AND e.environment = $2",
            [tenantId, environment.rawValue], after: cursor, limit: limit, decode: decode
        ) {
            PageCursor(createdAt: $0.createdAt, id: $0.id)
        }
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName?, id: UUID) throws -> WebhookEndpoint? {
        try tx.one(
            "SELECT \(columns) FROM webhook_endpoints e WHERE e.tenant_id = $1 AND ($2::text IS NULL OR e.environment = $2) AND e.id = $3",
            [tenantId, environment?.rawValue, id]
        ).map(decode)
    }

    /// A new secret, returned once; the previous one keeps working for `rotationOverlap`.
    public static func rotate(_ tx: Transaction, vault: Vault, endpoint: WebhookEndpoint) throws -> String {
        try tx.query(
            """
            UPDATE webhook_endpoint_secrets SET expires_at = now() + make_interval(secs => $3)
            WHERE tenant_id = $1 AND endpoint_id = $2 AND expires_at IS NULL
            """, [endpoint.tenantId, endpoint.id, Int(rotationOverlap)])
        // Older ones than the one just superseded stop now: at most two are ever valid.
        try tx.query(
            """
            UPDATE webhook_endpoint_secrets SET expires_at = now()
            WHERE tenant_id = $1 AND endpoint_id = $2 AND expires_at > now()
              AND version < (SELECT max(version) FROM webhook_endpoint_secrets WHERE endpoint_id = $2)
            """, [endpoint.tenantId, endpoint.id])
        try tx.query("UPDATE webhook_endpoints SET updated_at = now() WHERE id = $1", [endpoint.id])
        try tx.query("SELECT pg_notify($1, $2)", [channel, endpoint.id.lowercasedText])
        return try addSecret(tx, vault: vault, tenantId: endpoint.tenantId, endpointId: endpoint.id, verification: endpoint.verification)
    }

    public static func setStatus(_ tx: Transaction, endpoint: WebhookEndpoint, active: Bool) throws {
        try tx.query(
            """
            UPDATE webhook_endpoints SET status = $3, disabled_at = CASE WHEN $3 = 'disabled' THEN now() END, updated_at = now()
            WHERE tenant_id = $1 AND id = $2
            """, [endpoint.tenantId, endpoint.id, active ? "active" : "disabled"])
        try tx.query("SELECT pg_notify($1, $2)", [channel, endpoint.id.lowercasedText])
    }

    /// The secrets a delivery may be signed with now: the current one and, during a rotation, the previous.
    public static func validSecrets(_ tx: Transaction, vault: Vault, endpoint: WebhookEndpoint) throws -> [String] {
        try tx.query(
            """
            SELECT version, ciphertext FROM webhook_endpoint_secrets
            WHERE tenant_id = $1 AND endpoint_id = $2 AND (expires_at IS NULL OR expires_at > now()) ORDER BY version DESC
            """, [endpoint.tenantId, endpoint.id]
        ).map { row in
            try vault.open(tx, try row.string("ciphertext"), context: context(endpoint.tenantId, endpoint.id, try row.int("version")))
        }
    }

    /// The tenant and environment of an endpoint, for a delivery that names only the endpoint;
    /// nil when there is none or its tenant was deleted.
    public static func locate(_ database: Database, id: UUID) throws -> (tenantId: UUID, environment: EnvironmentName, active: Bool, tenantActive: Bool)? {
        guard let row = try database.statement("SELECT * FROM clearline_locate_webhook_endpoint($1)", [id]).first,
            let environment = EnvironmentName(rawValue: try row.string("environment"))
        else { return nil }
        return (try row.uuid("tenant_id"), environment, try row.string("status") == "active", try row.string("tenant_status") == "active")
    }

    private static func addSecret(_ tx: Transaction, vault: Vault, tenantId: UUID, endpointId: UUID, verification: WebhookVerification) throws -> String {
        // Zoho accepts 12–50 letters and digits; Standard Webhooks keys are the bytes of a
        // whsec_<base64> secret; the others get a longer, prefixed token.
        let secret =
            switch verification {
            case .zohoSignature: Encoding.hex(SecureRandom.bytes(20))
            case .standardWebhooks: StandardWebhookSignature.newSecret()
            default: "whsec_" + SecureRandom.token(byteCount: 32)
            }
        let version = try tx.one("SELECT coalesce(max(version), 0) + 1 AS v FROM webhook_endpoint_secrets WHERE endpoint_id = $1", [endpointId])!.int("v")
        let sealed = try vault.seal(tx, secret, context: context(tenantId, endpointId, version))
        try tx.query(
            """
            INSERT INTO webhook_endpoint_secrets (endpoint_id, tenant_id, version, ciphertext, hint) VALUES ($1, $2, $3, $4, $5)
            """, [endpointId, tenantId, version, sealed, SecretStatus.hint(for: secret)])
        return secret
    }

    static func context(_ tenantId: UUID, _ endpointId: UUID, _ version: Int) -> Vault.SecretContext {
        Vault.SecretContext(tenantId: tenantId, connectionId: endpointId, name: "webhook_signing_secret", version: version)
    }

    static func decode(_ row: Row) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"),
            environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev, name: try row.string("name"),
            source: try row.string("source"), verification: WebhookVerification(rawValue: try row.string("verification")) ?? .clearlineSignature,
            secretHeader: row.optionalString("secret_header"), connectionId: try row.optionalUUID("connection_id"),
            status: try row.string("status"), secretHint: row.optionalString("secret_hint"),
            secretRotatedAt: try row.optionalDate("secret_created_at"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
