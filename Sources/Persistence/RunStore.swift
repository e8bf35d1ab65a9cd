public import Foundation
public import Domain

/// Runs of flows and their steps' outcomes.
public enum RunStore {
    static let columns = "id, tenant_id, environment, event_id, flow_id, version, status, detail, created_at, updated_at"

    /// The run of this flow for this event, created the first time; nil when it already existed.
    public static func start(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, eventId: UUID, flowId: UUID, version: Int) throws -> UUID? {
        try tx.one(
            """
            INSERT INTO runs (tenant_id, environment, event_id, flow_id, version) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (event_id, flow_id) DO NOTHING RETURNING id
            """, [tenantId, environment.rawValue, eventId, flowId, version]
        ).map { try $0.uuid("id") }
    }

    public static func get(_ tx: Transaction, tenantId: UUID, id: UUID) throws -> Run? {
        try tx.read(get(tenantId: tenantId, id: id))
    }

    public static func get(tenantId: UUID, id: UUID) -> Read<Run?> {
        Read("SELECT \(columns) FROM runs WHERE tenant_id = $1 AND id = $2", [tenantId, id]) { try $0.first.map(decode) }
    }

    public static func forEvent(_ tx: Transaction, tenantId: UUID, eventId: UUID) throws -> [Run] {
        try tx.query("SELECT \(columns) FROM runs WHERE tenant_id = $1 AND event_id = $2 ORDER BY created_at, id", [tenantId, eventId]).map(decode)
    }

    /// Runs with their flow's name and what their event was about, filtered (see `RunFilter`).
    /// The search is a case-blind substring of the event's stored payload, where the
    /// transaction id, customer, order and amount are.
    public static func listings(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, filter: RunFilter, after cursor: PageCursor?, limit: Int)
        throws
        -> Page<RunListing>
    {
        let search = SearchPattern.containing(filter.search)
        return try Paging.fetch(
            tx,
            """
            SELECT * FROM (
              SELECT r.id, r.tenant_id, r.environment, r.event_id, r.flow_id, r.version, r.status, r.detail, r.created_at, r.updated_at,
                     f.name AS flow_name,
                     e.payload #>> '{transaction,transaction_id}' AS transaction_id,
                     coalesce(e.payload #>> '{transaction,amount}', e.payload #>> '{amount}', e.payload #>> '{order,total}') AS amount,
                     coalesce(e.payload #>> '{transaction,billing_address,name}', e.payload #>> '{transaction,customer_id}',
                              e.payload #>> '{customer,name}', e.payload #>> '{customer_id}') AS customer,
                     coalesce(e.payload #>> '{transaction,invoice_id}', e.payload #>> '{order,id}', e.payload #>> '{order}') AS order_ref,
                     e.payload::text AS payload_text
              FROM runs r JOIN events e ON e.id = r.event_id LEFT JOIN flows f ON f.id = r.flow_id
              WHERE r.tenant_id = $1 AND r.environment = $2
            ) runs
            WHERE ($3::text IS NULL OR status = $3) AND ($4::uuid IS NULL OR flow_id = $4)
              AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
              AND ($7::text IS NULL OR payload_text ILIKE $7 OR flow_name ILIKE $7)
            """, [tenantId, environment.rawValue, filter.status?.rawValue, filter.flowId, filter.from, filter.to, search], after: cursor, limit: limit,
            descending: filter.newestFirst,
            decode: { row in
                RunListing(
                    run: try decode(row), flowName: row.optionalString("flow_name"), transactionId: row.optionalString("transaction_id"),
                    amount: row.optionalString("amount"), customer: row.optionalString("customer"), order: row.optionalString("order_ref"))
            }
        ) { PageCursor(createdAt: $0.run.createdAt, id: $0.run.id) }
    }

    /// Per step position, over every job of the step (replays included), queued or finished: the
    /// jobs of the run's event whose payload names the run and a position.
    public static func attempts(_ tx: Transaction, run: Run) throws -> [Int: StepAttempts] {
        let rows = try tx.query(
            """
            WITH step_jobs AS (
              SELECT id, (payload->>'position')::int AS position FROM jobs
              WHERE tenant_id = $1 AND event_id = $2 AND payload->>'run_id' = $3 AND payload ? 'position'
              UNION ALL
              SELECT id, (payload->>'position')::int FROM job_history
              WHERE tenant_id = $1 AND event_id = $2 AND payload->>'run_id' = $3 AND payload ? 'position'
            )
            SELECT s.position, count(a.job_id) FILTER (WHERE a.outcome IS NOT NULL) AS attempts,
                   count(a.job_id) FILTER (WHERE a.outcome IN ('failed', 'lost')) AS failures,
                   (array_agg(a.error ORDER BY a.started_at DESC) FILTER (WHERE a.outcome = 'failed'))[1] AS last_error
            FROM step_jobs s LEFT JOIN job_attempts a ON a.job_id = s.id AND a.tenant_id = $1
            GROUP BY s.position
            """, [run.tenantId, run.eventId, run.id.lowercasedText])
        var result: [Int: StepAttempts] = [:]
        for row in rows {
            result[try row.int("position")] = StepAttempts(
                attempts: try row.int("attempts"), failures: try row.int("failures"), lastError: row.optionalString("last_error"))
        }
        return result
    }

    public static func steps(_ tx: Transaction, tenantId: UUID, runId: UUID) throws -> [RunStep] {
        try tx.read(steps(tenantId: tenantId, runId: runId))
    }

    public static func steps(tenantId: UUID, runId: UUID) -> Read<[RunStep]> {
        Read(
            """
            SELECT position, step_id, target, status, record::text AS record, external_id, detail, updated_at
            FROM run_steps WHERE tenant_id = $1 AND run_id = $2 ORDER BY position
            """, [tenantId, runId]
        ) { rows in
            try rows.map { row in
                RunStep(
                    position: try row.int("position"), stepId: try row.string("step_id"), target: try row.string("target"), status: try row.value("status"),
                    record: row.optionalString("record"), externalId: row.optionalString("external_id"), detail: row.optionalString("detail"),
                    updatedAt: try row.date("updated_at"))
            }
        }
    }

    /// Records a step's outcome; a step recorded again (a replay after review) is overwritten.
    public static func record(
        _ tx: Transaction, run: Run, position: Int, stepId: String, target: String, status: StepStatus, record: String?,
        externalId: String?, detail: String?
    ) throws {
        tx.hold(
            """
            INSERT INTO run_steps (run_id, tenant_id, position, step_id, target, status, record, external_id, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
            ON CONFLICT (run_id, position) DO UPDATE SET status = excluded.status, record = excluded.record, external_id = excluded.external_id,
              detail = excluded.detail, updated_at = now()
            """, [run.id, run.tenantId, position, stepId, target, status.rawValue, record, externalId, detail])
    }

    public static func finish(_ tx: Transaction, run: Run, status: RunStatus, detail: String?) throws {
        tx.hold(
            "UPDATE runs SET status = $3, detail = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2", [run.tenantId, run.id, status.rawValue, detail])
    }

    static func decode(_ row: Row) throws -> Run {
        Run(
            id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"), environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev,
            eventId: try row.uuid("event_id"), flowId: try row.uuid("flow_id"), version: try row.int("version"), status: try row.value("status"),
            detail: row.optionalString("detail"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
