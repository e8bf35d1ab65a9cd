public import Foundation
public import Domain

/// Runs of flows and their steps' outcomes, and the cross-reference of synced records.
public enum RunStore {
    public struct Run: Sendable {
        public let id: UUID
        public let tenantId: UUID
        public let environment: EnvironmentName
        public let eventId: UUID
        public let flowId: UUID
        public let version: Int
        public let status: String
        public let detail: String?
        public let createdAt: Date
        public let updatedAt: Date
    }

    public struct Step: Sendable {
        public let position: Int
        public let stepId: String
        public let target: String
        public let status: String
        /// JSON text.
        public let record: String?
        public let externalId: String?
        public let detail: String?
        public let updatedAt: Date
    }

    static let columns = "id, tenant_id, environment, event_id, flow_id, version, status, detail, created_at, updated_at"

    /// The run of this flow for this event, created the first time; nil when it already existed.
    public static func start(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, eventId: UUID, flowId: UUID, version: Int) throws -> UUID? {
        try tx.one("""
            INSERT INTO runs (tenant_id, environment, event_id, flow_id, version) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (event_id, flow_id) DO NOTHING RETURNING id
            """, [tenantId, environment.rawValue, eventId, flowId, version]).map { try $0.uuid("id") }
    }

    public static func get(_ tx: Transaction, tenantId: UUID, id: UUID) throws -> Run? {
        try tx.one("SELECT \(columns) FROM runs WHERE tenant_id = $1 AND id = $2", [tenantId, id]).map(decode)
    }

    public static func forEvent(_ tx: Transaction, tenantId: UUID, eventId: UUID) throws -> [Run] {
        try tx.query("SELECT \(columns) FROM runs WHERE tenant_id = $1 AND event_id = $2 ORDER BY created_at, id", [tenantId, eventId]).map(decode)
    }

    public static func list(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, status: String?, after cursor: PageCursor?, limit: Int) throws -> Page<Run> {
        try Paging.fetch(tx, "SELECT \(columns) FROM runs WHERE tenant_id = $1 AND environment = $2 AND ($3::text IS NULL OR status = $3)",
                         [tenantId, environment.rawValue, status], after: cursor, limit: limit, decode: decode) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// How a step's jobs went: attempts made, how many failed, and the latest failure's reason.
    public struct Attempts: Sendable {
        public let attempts: Int
        public let failures: Int
        public let lastError: String?
    }

    /// Per step position, over every job of the step (replays included), queued or finished.
    public static func attempts(_ tx: Transaction, run: Run) throws -> [Int: Attempts] {
        let rows = try tx.query("""
            WITH step_jobs AS (
              SELECT id, (payload->>'position')::int AS position FROM jobs
              WHERE tenant_id = $1 AND event_id = $2 AND kind = 'flow.step' AND payload->>'run_id' = $3
              UNION ALL
              SELECT id, (payload->>'position')::int FROM job_history
              WHERE tenant_id = $1 AND event_id = $2 AND kind = 'flow.step' AND payload->>'run_id' = $3
            )
            SELECT s.position, count(a.job_id) FILTER (WHERE a.outcome IS NOT NULL) AS attempts,
                   count(a.job_id) FILTER (WHERE a.outcome IN ('failed', 'lost')) AS failures,
                   (array_agg(a.error ORDER BY a.started_at DESC) FILTER (WHERE a.outcome = 'failed'))[1] AS last_error
            FROM step_jobs s LEFT JOIN job_attempts a ON a.job_id = s.id AND a.tenant_id = $1
            GROUP BY s.position
            """, [run.tenantId, run.eventId, run.id.uuidString.lowercased()])
        var result: [Int: Attempts] = [:]
        for row in rows {
            result[try row.int("position")] = Attempts(attempts: try row.int("attempts"), failures: try row.int("failures"), lastError: row.optionalString("last_error"))
        }
        return result
    }

    public static func steps(_ tx: Transaction, tenantId: UUID, runId: UUID) throws -> [Step] {
        try tx.query("""
            SELECT position, step_id, target, status, record::text AS record, external_id, detail, updated_at
            FROM run_steps WHERE tenant_id = $1 AND run_id = $2 ORDER BY position
            """, [tenantId, runId]).map { row in
            Step(position: try row.int("position"), stepId: try row.string("step_id"), target: try row.string("target"), status: try row.string("status"),
                 record: row.optionalString("record"), externalId: row.optionalString("external_id"), detail: row.optionalString("detail"),
                 updatedAt: try row.date("updated_at"))
        }
    }

    /// Records a step's outcome; a step recorded again (a replay after review) is overwritten.
    public static func record(_ tx: Transaction, run: Run, position: Int, stepId: String, target: String, status: String, record: String?,
                              externalId: String?, detail: String?) throws {
        try tx.query("""
            INSERT INTO run_steps (run_id, tenant_id, position, step_id, target, status, record, external_id, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
            ON CONFLICT (run_id, position) DO UPDATE SET status = excluded.status, record = excluded.record, external_id = excluded.external_id,
              detail = excluded.detail, updated_at = now()
            """, [run.id, run.tenantId, position, stepId, target, status, record, externalId, detail])
    }

    public static func finish(_ tx: Transaction, run: Run, status: String, detail: String?) throws {
        try tx.query("UPDATE runs SET status = $3, detail = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2", [run.tenantId, run.id, status, detail])
    }

    /// The target id a source key became, if it was synced before.
    public static func link(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, target: String, sourceKey: String) throws -> String? {
        try tx.one("SELECT target_id FROM sync_links WHERE tenant_id = $1 AND environment = $2 AND target = $3 AND source_key = $4",
                   [tenantId, environment.rawValue, target, sourceKey]).map { try $0.string("target_id") }
    }

    public static func putLink(_ tx: Transaction, run: Run, target: String, sourceKey: String, targetId: String) throws {
        try tx.query("""
            INSERT INTO sync_links (tenant_id, environment, target, source_key, target_id, run_id) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT DO NOTHING
            """, [run.tenantId, run.environment.rawValue, target, sourceKey, targetId, run.id])
    }

    static func decode(_ row: Row) throws -> Run {
        Run(id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"), environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev,
            eventId: try row.uuid("event_id"), flowId: try row.uuid("flow_id"), version: try row.int("version"), status: try row.string("status"),
            detail: row.optionalString("detail"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
