public import Foundation
public import Domain

/// Tenants and their environments.
public enum TenantStore {
    static let columns = "id, name, slug, status, created_at, updated_at"

    /// Creates the tenant with its dev, qa and prod environments.
    public static func create(_ tx: Transaction, name: String, slug: String) throws -> Tenant {
        guard let row = try tx.one("INSERT INTO tenants (name, slug) VALUES ($1, $2) RETURNING \(columns)", [CardNumberMasking.maskText(name), slug]) else {
            throw PostgresError(kind: .decoding, message: "INSERT returned no row")
        }
        let tenant = try decode(row)
        for environment in EnvironmentName.allCases {
            try tx.query("INSERT INTO environments (tenant_id, name) VALUES ($1, $2)", [tenant.id, environment.rawValue])
        }
        return tenant
    }

    public static func get(_ tx: Transaction, id: UUID) throws -> Tenant? {
        try tx.one("SELECT \(columns) FROM tenants WHERE id = $1 AND deleted_at IS NULL", [id]).map(decode)
    }

    public static func find(_ tx: Transaction, slug: String) throws -> Tenant? {
        try tx.one("SELECT \(columns) FROM tenants WHERE slug = $1 AND deleted_at IS NULL", [slug]).map(decode)
    }

    /// `search`: a case-blind part of the name or slug.
    public static func list(_ tx: Transaction, search: String? = nil, after cursor: PageCursor?, limit: Int) throws -> Page<Tenant> {
        let pattern = SearchPattern.containing(search)
        return try Paging.fetch(
            tx, "SELECT \(columns) FROM tenants WHERE deleted_at IS NULL AND ($1::text IS NULL OR name ILIKE $1 OR slug ILIKE $1)", [pattern], after: cursor,
            limit: limit, decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    public static func update(_ tx: Transaction, id: UUID, name: String?, status: Tenant.Status?) throws -> Tenant? {
        let updated = try tx.one(
            """
            UPDATE tenants SET name = coalesce($2, name), status = coalesce($3, status), updated_at = now()
            WHERE id = $1 AND deleted_at IS NULL RETURNING \(columns)
            """, [id, name.map(CardNumberMasking.maskText), status?.rawValue]
        ).map(decode)
        if updated != nil, status != nil { try forgetEndpoints(tx, tenantId: id) }
        return updated
    }

    /// Tells every process to drop its cached copies of the tenant's webhook endpoints, whose
    /// deliveries now depend on the tenant's new status (at commit, as NOTIFY is).
    static func forgetEndpoints(_ tx: Transaction, tenantId: UUID) throws {
        try tx.query(
            "SELECT pg_notify($1, id::text) FROM webhook_endpoints WHERE tenant_id = $2", [WebhookEndpointStore.channel, tenantId])
    }

    /// Soft-deletes the tenant, cuts off every way in (keys, users, sessions) and destroys its data key.
    public static func delete(_ tx: Transaction, id: UUID) throws -> Bool {
        let rows = try tx.query("UPDATE tenants SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id", [id])
        guard !rows.isEmpty else { return false }
        LiveTenants.forget(id)
        try forgetEndpoints(tx, tenantId: id)
        try tx.query("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND revoked_at IS NULL", [id])
        try tx.query("UPDATE sessions SET revoked_at = now() WHERE tenant_id = $1 AND revoked_at IS NULL", [id])
        try tx.query("UPDATE users SET deleted_at = now() WHERE tenant_id = $1 AND deleted_at IS NULL", [id])
        // Crypto-erasure: without the data key no sealed secret of the tenant can be opened again.
        try tx.query("DELETE FROM connection_secrets WHERE tenant_id = $1", [id])
        try tx.query("DELETE FROM tenant_data_keys WHERE tenant_id = $1", [id])
        // Nothing more is sent for a tenant that is gone (its routes' secrets went with the key).
        try tx.query("UPDATE alert_routes SET enabled = false, signing_secret = NULL WHERE tenant_id = $1", [id])
        return true
    }

    public static func environments(_ tx: Transaction, tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<Domain.Environment> {
        try Paging.fetch(
            tx, "SELECT id, tenant_id, name, created_at FROM environments WHERE tenant_id = $1", [tenantId],
            after: cursor, limit: limit,
            decode: { row in
                guard let name = EnvironmentName(rawValue: try row.string("name")) else {
                    throw PostgresError(kind: .decoding, message: "unknown environment name")
                }
                return Domain.Environment(id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"), name: name, createdAt: try row.date("created_at"))
            }
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    static func decode(_ row: Row) throws -> Tenant {
        guard let status = Tenant.Status(rawValue: try row.string("status")) else {
            throw PostgresError(kind: .decoding, message: "unknown tenant status")
        }
        return Tenant(
            id: try row.uuid("id"), name: try row.string("name"), slug: try row.string("slug"), status: status,
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
