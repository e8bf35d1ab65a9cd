public import Foundation
public import Domain

/// Flows and their versions. A flow's draft is edited in place (with a revision number for
/// optimistic concurrency); publishing freezes it as the next numbered, immutable version.
public enum FlowStore {
    static let columns = """
        f.id, f.tenant_id, f.name, f.description, f.template_id, f.draft::text AS draft, f.draft_revision, f.created_at, f.updated_at,
        (SELECT max(v.version) FROM flow_versions v WHERE v.flow_id = f.id) AS latest_version
        """

    public static func create(_ tx: Transaction, tenantId: UUID, name: String, description: String, templateId: String?, draft: String) throws -> StoredFlow {
        guard
            let row = try tx.one(
                """
                INSERT INTO flows (tenant_id, name, description, template_id, draft) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id
                """, [tenantId, CardNumberMasking.maskText(name), CardNumberMasking.maskText(description), templateId, CardNumberMasking.maskJSON(draft)]),
            let flow = try get(tx, tenantId: tenantId, id: try row.uuid("id"))
        else {
            throw PostgresError(kind: .decoding, message: "INSERT returned no row")
        }
        return flow
    }

    public static func list(_ tx: Transaction, tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<StoredFlow> {
        try Paging.fetch(
            tx, "SELECT * FROM (SELECT \(columns) FROM flows f WHERE f.tenant_id = $1 AND f.deleted_at IS NULL) f WHERE true",
            [tenantId], after: cursor, limit: limit, decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    public static func get(_ tx: Transaction, tenantId: UUID, id: UUID, forUpdate: Bool = false) throws -> StoredFlow? {
        if forUpdate { try tx.query("SELECT 1 FROM flows WHERE tenant_id = $1 AND id = $2 FOR UPDATE", [tenantId, id]) }
        return try tx.one("SELECT \(columns) FROM flows f WHERE f.tenant_id = $1 AND f.id = $2 AND f.deleted_at IS NULL", [tenantId, id]).map(decode)
    }

    /// Changes name, description and draft; nil fields stay. The revision goes up by one.
    public static func update(_ tx: Transaction, tenantId: UUID, id: UUID, name: String?, description: String?, draft: String?) throws -> StoredFlow? {
        try tx.query(
            """
            UPDATE flows SET name = coalesce($3, name), description = coalesce($4, description), draft = coalesce($5::jsonb, draft),
                   draft_revision = draft_revision + 1, updated_at = now()
            WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
            """,
            [
                tenantId, id, name.map(CardNumberMasking.maskText), description.map(CardNumberMasking.maskText), draft.map(CardNumberMasking.maskJSON),
            ])
        return try get(tx, tenantId: tenantId, id: id)
    }

    /// Only a flow deployed nowhere can go; its versions stay for the record.
    public static func delete(_ tx: Transaction, tenantId: UUID, id: UUID) throws -> Bool {
        guard try tx.one("SELECT 1 AS x FROM deployments WHERE tenant_id = $1 AND flow_id = $2", [tenantId, id]) == nil else {
            throw DomainError.conflict("This flow is deployed; roll it back or deploy another flow before deleting it.")
        }
        return try tx.one("UPDATE flows SET deleted_at = now() WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id", [tenantId, id]) != nil
    }

    public static func publish(
        _ tx: Transaction, flow: StoredFlow, definition: String, checksum: String, fixturesPassed: Bool, fixtureResults: String,
        notes: String, actor: String
    ) throws -> FlowVersion {
        let next = (flow.latestVersion ?? 0) + 1
        try tx.query(
            """
            INSERT INTO flow_versions (flow_id, tenant_id, version, definition, checksum, fixtures_passed, fixture_results, notes, published_by)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb, $8, $9)
            """, [flow.id, flow.tenantId, next, definition, checksum, fixturesPassed, fixtureResults, CardNumberMasking.maskText(notes), actor])
        guard let version = try version(tx, tenantId: flow.tenantId, flowId: flow.id, version: next) else { throw DomainError.notFound("version") }
        return version
    }

    static let versionColumns = """
        flow_id, version, definition::text AS definition, checksum, fixtures_passed, fixture_results::text AS fixture_results, notes, published_by, created_at
        """

    public static func version(_ tx: Transaction, tenantId: UUID, flowId: UUID, version: Int) throws -> FlowVersion? {
        try tx.one("SELECT \(versionColumns) FROM flow_versions WHERE tenant_id = $1 AND flow_id = $2 AND version = $3", [tenantId, flowId, version])
            .map(decodeVersion)
    }

    /// Newest first, paged by version number.
    public static func versions(_ tx: Transaction, tenantId: UUID, flowId: UUID, before: Int?, limit: Int) throws -> (items: [FlowVersion], next: Int?) {
        let rows = try tx.query(
            """
            SELECT \(versionColumns) FROM flow_versions WHERE tenant_id = $1 AND flow_id = $2 AND ($3::int IS NULL OR version < $3)
            ORDER BY version DESC LIMIT $4
            """, [tenantId, flowId, before, limit + 1])
        let items = try rows.prefix(limit).map(decodeVersion)
        return (items, rows.count > limit ? items.last?.version : nil)
    }

    static func decode(_ row: Row) throws -> StoredFlow {
        StoredFlow(
            id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"), name: try row.string("name"), description: try row.string("description"),
            templateId: row.optionalString("template_id"), draft: try row.string("draft"), draftRevision: try row.int("draft_revision"),
            latestVersion: row.optionalString("latest_version").flatMap { Int($0) }, createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }

    static func decodeVersion(_ row: Row) throws -> FlowVersion {
        FlowVersion(
            flowId: try row.uuid("flow_id"), version: try row.int("version"), definition: try row.string("definition"),
            checksum: try row.string("checksum"), fixturesPassed: try row.bool("fixtures_passed"), fixtureResults: try row.string("fixture_results"),
            notes: try row.string("notes"), publishedBy: try row.string("published_by"), createdAt: try row.date("created_at"))
    }
}
