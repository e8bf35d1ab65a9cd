public import Foundation
public import Domain

/// Which flow version each environment runs, and the append-only history of every change. A
/// promotion copies the pointer from the environment before (dev → qa → prod) and nothing else:
/// connections and their secrets stay with their environment.
public enum DeploymentStore {
    public static func list(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<Deployment> {
        try Paging.fetch(
            tx,
            """
            SELECT * FROM (SELECT d.environment, d.flow_id, f.name AS flow_name, d.version, d.previous_version, d.deployed_by, d.updated_at,
                                  f.created_at, f.id, f.created_at AS flow_created_at
                           FROM deployments d JOIN flows f ON f.id = d.flow_id WHERE d.tenant_id = $1 AND d.environment = $2) d WHERE true
            """, [tenantId, environment.rawValue], after: cursor, limit: limit, decode: decode
        ) { PageCursor(createdAt: $0.flowCreatedAt, id: $0.flowId) }
    }

    public static func current(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, flowId: UUID, forUpdate: Bool = false) throws -> Deployment? {
        try tx.one(
            """
            SELECT d.environment, d.flow_id, f.name AS flow_name, d.version, d.previous_version, d.deployed_by, d.updated_at,
                   f.created_at AS flow_created_at
            FROM deployments d JOIN flows f ON f.id = d.flow_id WHERE d.tenant_id = $1 AND d.environment = $2 AND d.flow_id = $3
            \(forUpdate ? "FOR UPDATE OF d" : "")
            """, [tenantId, environment.rawValue, flowId]
        ).map(decode)
    }

    /// Points the environment at `version` and records why; returns the new state.
    public static func point(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, flowId: UUID, version: Int, previous: Int?,
        action: String, from: EnvironmentName?, actor: String
    ) throws -> Deployment {
        try tx.query(
            """
            INSERT INTO deployments (tenant_id, environment, flow_id, version, previous_version, deployed_by) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (tenant_id, environment, flow_id) DO UPDATE
              SET version = excluded.version, previous_version = excluded.previous_version, deployed_by = excluded.deployed_by, updated_at = now()
            """, [tenantId, environment.rawValue, flowId, version, previous, actor])
        try tx.query(
            """
            INSERT INTO deployment_history (tenant_id, environment, flow_id, action, version, previous_version, from_environment, actor)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [tenantId, environment.rawValue, flowId, action, version, previous, from?.rawValue, actor])
        guard let now = try current(tx, tenantId: tenantId, environment: environment, flowId: flowId) else { throw DomainError.notFound("deployment") }
        return now
    }

    /// Every flow version the environment runs, with its definition (JSON text): what an event is handed to.
    /// The flow versions deployed in `environment`, in `live`'s order, without their definitions:
    /// a version's never changes, so a process that read it once keeps it.
    public static func liveVersions(tenantId: UUID, environment: EnvironmentName) -> Read<[(flowId: UUID, version: Int)]> {
        Read(
            """
            SELECT d.flow_id, d.version FROM deployments d JOIN flows f ON f.id = d.flow_id AND f.deleted_at IS NULL
            WHERE d.tenant_id = $1 AND d.environment = $2 ORDER BY f.created_at, f.id
            """, [tenantId, environment.rawValue]
        ) { rows in try rows.map { (try $0.uuid("flow_id"), try $0.int("version")) } }
    }

    public static func live(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName) throws -> [(flowId: UUID, version: Int, definition: String)] {
        try tx.query(
            """
            SELECT d.flow_id, d.version, v.definition::text AS definition FROM deployments d
            JOIN flow_versions v ON v.flow_id = d.flow_id AND v.version = d.version
            JOIN flows f ON f.id = d.flow_id AND f.deleted_at IS NULL
            WHERE d.tenant_id = $1 AND d.environment = $2 ORDER BY f.created_at, f.id
            """, [tenantId, environment.rawValue]
        ).map { (try $0.uuid("flow_id"), try $0.int("version"), try $0.string("definition")) }
    }

    /// The version that ran before `version` was last put in place here (by a deploy or a promotion).
    public static func versionBefore(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, flowId: UUID, version: Int) throws -> Int? {
        try tx.one(
            """
            SELECT previous_version FROM deployment_history
            WHERE tenant_id = $1 AND environment = $2 AND flow_id = $3 AND version = $4 AND action <> 'rollback'
            ORDER BY created_at DESC LIMIT 1
            """, [tenantId, environment.rawValue, flowId, version]
        ).flatMap { $0.optionalString("previous_version").flatMap { Int($0) } }
    }

    /// Whether this version was ever live in the environment.
    public static func hasRun(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, flowId: UUID, version: Int) throws -> Bool {
        try tx.one(
            "SELECT 1 AS x FROM deployment_history WHERE tenant_id = $1 AND environment = $2 AND flow_id = $3 AND version = $4 LIMIT 1",
            [tenantId, environment.rawValue, flowId, version]) != nil
    }

    public static func history(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, flowId: UUID?, after cursor: PageCursor?,
        limit: Int
    ) throws -> Page<DeploymentHistoryEntry> {
        try Paging.fetch(
            tx,
            """
            SELECT id, environment, flow_id, action, version, previous_version, from_environment, actor, created_at
            FROM deployment_history WHERE tenant_id = $1 AND environment = $2 AND ($3::uuid IS NULL OR flow_id = $3)
            """, [tenantId, environment.rawValue, flowId], after: cursor, limit: limit, decode: decodeHistory
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    public static func policy(_ tx: Transaction, tenantId: UUID) throws -> PromotionPolicy {
        guard let row = try tx.one("SELECT require_fixtures, require_qa FROM promotion_policies WHERE tenant_id = $1", [tenantId]) else {
            return PromotionPolicy()
        }
        return PromotionPolicy(requireFixtures: try row.bool("require_fixtures"), requireQA: try row.bool("require_qa"))
    }

    public static func setPolicy(_ tx: Transaction, tenantId: UUID, _ policy: PromotionPolicy) throws {
        try tx.query(
            """
            INSERT INTO promotion_policies (tenant_id, require_fixtures, require_qa) VALUES ($1, $2, $3)
            ON CONFLICT (tenant_id) DO UPDATE SET require_fixtures = excluded.require_fixtures, require_qa = excluded.require_qa, updated_at = now()
            """, [tenantId, policy.requireFixtures, policy.requireQA])
    }

    static func decode(_ row: Row) throws -> Deployment {
        Deployment(
            environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev, flowId: try row.uuid("flow_id"),
            flowName: try row.string("flow_name"), version: try row.int("version"),
            previousVersion: row.optionalString("previous_version").flatMap { Int($0) }, deployedBy: try row.string("deployed_by"),
            updatedAt: try row.date("updated_at"), flowCreatedAt: try row.date("flow_created_at"))
    }

    static func decodeHistory(_ row: Row) throws -> DeploymentHistoryEntry {
        DeploymentHistoryEntry(
            id: try row.uuid("id"), environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev, flowId: try row.uuid("flow_id"),
            action: try row.string("action"), version: try row.int("version"),
            previousVersion: row.optionalString("previous_version").flatMap { Int($0) },
            fromEnvironment: row.optionalString("from_environment").flatMap(EnvironmentName.init(rawValue:)),
            actor: try row.string("actor"), createdAt: try row.date("created_at"))
    }
}
