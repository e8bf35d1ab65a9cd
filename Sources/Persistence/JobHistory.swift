public import Foundation
public import Domain

/// Reading jobs for operators (an event's jobs and their attempts, the dead letters) and
/// replaying dead ones: a replay is a new job of the same run, linked from the dead one, whose
/// attempts continue the run's count.
public enum JobHistory {
    static let viewColumns = """
        SELECT id, run_id, event_id, kind, state, attempt AS attempts, last_error, created_at, NULL::timestamptz AS finished_at,
               NULL::bigint AS replayed_by, tenant_id, environment FROM jobs
        UNION ALL
        SELECT id, run_id, event_id, kind, state, attempts, last_error, created_at, finished_at, replayed_by, tenant_id, environment FROM job_history
        """

    public static func jobs(_ tx: Transaction, tenantId: UUID, eventId: UUID) throws -> [JobRecord] {
        try tx.query("SELECT * FROM (\(viewColumns)) j WHERE tenant_id = $1 AND event_id = $2 ORDER BY id", [tenantId, eventId]).map(decode)
    }

    public static func job(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: Int64) throws -> JobRecord? {
        try tx.one(
            "SELECT * FROM (\(viewColumns)) j WHERE tenant_id = $1 AND environment = $2 AND id = $3",
            [tenantId, environment.rawValue, id]
        ).map(decode)
    }

    public static func attempts(_ tx: Transaction, tenantId: UUID, jobIds: [Int64]) throws -> [JobAttempt] {
        guard !jobIds.isEmpty else { return [] }
        return try tx.query(
            """
            SELECT job_id, attempt, worker, started_at, finished_at, outcome, error, summary::text AS summary FROM job_attempts
            WHERE tenant_id = $1 AND job_id = ANY($2::bigint[]) ORDER BY job_id, attempt
            """, [tenantId, SQLArray(jobIds.map(String.init))]
        ).map { row in
            JobAttempt(
                jobId: try row.int64("job_id"), attempt: try row.int("attempt"), worker: try row.string("worker"),
                startedAt: try row.date("started_at"), finishedAt: try row.optionalDate("finished_at"),
                outcome: row.optionalString("outcome").flatMap(AttemptOutcome.init(rawValue:)),
                error: row.optionalString("error"), summary: row.optionalString("summary"))
        }
    }

    /// Dead jobs not yet replayed, newest first; the cursor is (finished_at, id) of the last row.
    public static func deadLetters(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, kind: JobKind?,
        after cursor: (Date, Int64)?, limit: Int
    ) throws -> (items: [JobRecord], next: (Date, Int64)?) {
        let rows = try tx.query(
            """
            SELECT id, run_id, event_id, kind, state, attempts, last_error, created_at, finished_at, replayed_by FROM job_history
            WHERE tenant_id = $1 AND environment = $2 AND state = 'dead' AND replayed_by IS NULL AND ($3::text IS NULL OR kind = $3)
              AND ($4::timestamptz IS NULL OR (finished_at, id) < ($4, $5::bigint))
            ORDER BY finished_at DESC, id DESC LIMIT $6
            """, [tenantId, environment.rawValue, kind?.rawValue, cursor?.0, cursor.map { String($0.1) }, limit + 1])
        let items = try rows.prefix(limit).map(decode)
        return (items, rows.count > limit ? items.last.map { ($0.finishedAt ?? $0.createdAt, $0.id) } : nil)
    }

    /// Dead jobs not yet replayed, per environment.
    public static func deadLetterCounts(_ tx: Transaction, tenantId: UUID) throws -> [EnvironmentName: Int] {
        try tx.query(
            """
            SELECT environment, count(*) AS n FROM job_history WHERE tenant_id = $1 AND state = 'dead' AND replayed_by IS NULL GROUP BY environment
            """, [tenantId]
        ).reduce(into: [:]) { $0[try $1.value("environment")] = try $1.int("n") }
    }

    /// Queues a dead job again as a new job of its run; nil when it is not dead or was replayed.
    public static func replay(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: Int64, extraAttempts: Int = 8) throws -> Int64? {
        guard
            let row = try tx.one(
                """
                WITH dead AS (
                  SELECT * FROM job_history WHERE tenant_id = $1 AND environment = $2 AND id = $3 AND state = 'dead' AND replayed_by IS NULL FOR UPDATE
                ),
                again AS (
                  INSERT INTO jobs (run_id, tenant_id, environment, event_id, kind, payload, ordering_key, attempt, max_attempts)
                  SELECT run_id, tenant_id, environment, event_id, kind, payload, ordering_key, attempts, attempts + $4 FROM dead RETURNING id, event_id
                ),
                linked AS (
                  UPDATE job_history SET replayed_by = (SELECT id FROM again) WHERE id = $3 AND EXISTS (SELECT 1 FROM again)
                ),
                event AS (
                  UPDATE events SET status = 'pending' WHERE id = (SELECT event_id FROM again)
                )
                SELECT id FROM again
                """, [tenantId, environment.rawValue, id, extraAttempts])
        else { return nil }
        try tx.query("SELECT pg_notify($1, '')", [JobQueue.channel])
        return try row.int64("id")
    }

    /// Replays every dead, not yet replayed job of the environment that matches; returns the new ids.
    public static func replayDead(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, kind: JobKind?, since: Date?, until: Date?,
        limit: Int
    ) throws -> [Int64] {
        let ids = try tx.query(
            """
            SELECT id FROM job_history WHERE tenant_id = $1 AND environment = $2 AND state = 'dead' AND replayed_by IS NULL
              AND ($3::text IS NULL OR kind = $3) AND ($4::timestamptz IS NULL OR finished_at >= $4) AND ($5::timestamptz IS NULL OR finished_at < $5)
            ORDER BY id LIMIT $6
            """, [tenantId, environment.rawValue, kind?.rawValue, since, until, limit]
        ).map { try $0.int64("id") }
        return try ids.compactMap { try replay(tx, tenantId: tenantId, environment: environment, id: $0) }
    }

    static func decode(_ row: Row) throws -> JobRecord {
        JobRecord(
            id: try row.int64("id"), runId: try row.uuid("run_id"), eventId: try row.optionalUUID("event_id"), kind: JobKind(try row.string("kind")),
            state: try row.value("state"), attempts: try row.int("attempts"), lastError: row.optionalString("last_error"),
            createdAt: try row.date("created_at"), finishedAt: try row.optionalDate("finished_at"),
            replayedBy: row.optionalString("replayed_by").flatMap { Int64($0) })
    }
}
