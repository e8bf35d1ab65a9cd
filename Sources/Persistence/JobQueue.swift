public import Foundation
public import Domain

/// The job queue in PostgreSQL (migration 0005; River, Oban and pg-boss are the models).
/// Claims are batched with `FOR UPDATE SKIP LOCKED`, fair across tenants (each tenant's first
/// ready job before any tenant's second, tenants in random order), and skip a job while a job
/// of its ordering key runs or stands ahead of it in the key's line (`ordered_at`, then id: a
/// flow step's place is its event's arrival, migration 0044). A claim takes a lease; completion is fenced by the attempt number,
/// so a worker whose lease ran out and was taken over cannot complete (its effects roll back).
public enum JobQueue {
    /// Notified on enqueue so idle workers claim at once; polling is the fallback.
    public static let channel = "clearline_jobs"

    static let columns = "id, run_id, tenant_id, environment, event_id, kind, payload::text AS payload, ordering_key, attempt, max_attempts, run_at"

    /// Inserts jobs (one statement for any number) and wakes the workers when the transaction commits.
    /// A job of an event makes the event pending again (a step queued after the one that
    /// completed it, a resume): an event is done only when none of its jobs is left. With
    /// `skippingConflicts`, a job a unique index already has one of (a connection's poll) is left out.
    @discardableResult
    public static func enqueue(_ tx: Transaction, _ jobs: [NewJob], skippingConflicts: Bool = false) throws -> [Int64] {
        guard !jobs.isEmpty else { return [] }
        let rows = try tx.query(
            """
            WITH queued AS (
              INSERT INTO jobs (tenant_id, environment, kind, payload, ordering_key, event_id, max_attempts, run_at, ordered_at)
              SELECT t, e, k, p::jsonb, o, ev, m, coalesce(r, now()), least(coalesce(r, now()), now())
              FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::int[], $8::timestamptz[]) AS x(t, e, k, p, o, ev, m, r)
              \(skippingConflicts ? "ON CONFLICT DO NOTHING" : "")
              RETURNING id, tenant_id, event_id
            ),
            reopened AS (
              UPDATE events SET status = 'pending' FROM (SELECT DISTINCT tenant_id, event_id FROM queued WHERE event_id IS NOT NULL) q
              WHERE events.tenant_id = q.tenant_id AND events.id = q.event_id AND events.status <> 'pending'
            )
            SELECT id FROM queued
            """,
            [
                SQLArray(jobs.map { $0.tenantId.lowercasedText }), SQLArray(jobs.map(\.environment.rawValue)), SQLArray(jobs.map(\.kind.rawValue)),
                SQLArray(jobs.map(\.payload)), SQLArray(jobs.map(\.orderingKey)), SQLArray(jobs.map { $0.eventId?.lowercasedText }),
                SQLArray(jobs.map { String($0.maxAttempts) }), SQLArray(jobs.map { $0.runAt.map(Timestamp.format) }),
            ])
        if !rows.isEmpty { try tx.query("SELECT pg_notify($1, '')", [channel]) }
        return try rows.map { try $0.int64("id") }
    }

    /// Claims up to `limit` ready jobs for `worker`, at most `perTenant` of any one tenant, under a
    /// lease of `leaseSeconds`; records the attempt. Run in the platform scope.
    /// `tenants` limits the claim to some tenants (diagnostics and tests).
    public static func claim(_ tx: Transaction, worker: String, limit: Int, perTenant: Int, leaseSeconds: Int, tenants: TenantScope = .all) throws -> [Job] {
        try tx.query(
            """
            WITH RECURSIVE tenants AS (
              (SELECT tenant_id FROM jobs WHERE state = 'queued' AND run_at <= now() AND ($5::uuid[] IS NULL OR tenant_id = ANY($5)) ORDER BY tenant_id LIMIT 1)
              UNION ALL
              SELECT (SELECT j.tenant_id FROM jobs j WHERE j.state = 'queued' AND j.run_at <= now() AND j.tenant_id > t.tenant_id
                        AND ($5::uuid[] IS NULL OR j.tenant_id = ANY($5))
                      ORDER BY j.tenant_id LIMIT 1)
              FROM tenants t WHERE t.tenant_id IS NOT NULL
            ),
            candidates AS (
              SELECT c.id, c.run_at, row_number() OVER (PARTITION BY c.tenant_id ORDER BY c.run_at, c.id) AS rank
              FROM tenants t CROSS JOIN LATERAL (
                -- Locked while scanning, so concurrent claimers pass over each other's rows
                -- instead of all reaching for the same oldest ones.
                SELECT j.id, j.tenant_id, j.run_at FROM jobs j
                WHERE j.tenant_id = t.tenant_id AND j.state = 'queued' AND j.run_at <= now()
                  -- One at a time per ordering key, in the key's line (migration 0044): nothing of the
                  -- key running, and nothing of it placed ahead.
                  AND (j.ordering_key IS NULL OR NOT EXISTS (
                    SELECT 1 FROM jobs e WHERE e.tenant_id = j.tenant_id AND e.ordering_key = j.ordering_key AND e.id <> j.id
                      AND (e.state = 'running' OR (e.ordered_at, e.id) < (j.ordered_at, j.id))))
                ORDER BY j.run_at, j.id LIMIT $2 FOR UPDATE SKIP LOCKED) c
              WHERE t.tenant_id IS NOT NULL
            ),
            chosen AS (
              -- Each tenant's first job before any tenant's second; between tenants at random,
              -- so tenants with old backlogs cannot keep a newcomer out of every claim.
              SELECT id FROM candidates ORDER BY rank, random() LIMIT $1
            ),
            claimed AS (
              UPDATE jobs SET state = 'running', attempt = jobs.attempt + 1, worker = $3, lease_until = now() + make_interval(secs => $4)
              FROM chosen WHERE jobs.id = chosen.id AND jobs.state = 'queued'
              RETURNING jobs.id, jobs.run_id, jobs.tenant_id, jobs.environment, jobs.event_id, jobs.kind, jobs.payload, jobs.ordering_key,
                        jobs.attempt, jobs.max_attempts, jobs.run_at
            ),
            recorded AS (
              INSERT INTO job_attempts (job_id, attempt, tenant_id, worker) SELECT id, attempt, tenant_id, $3 FROM claimed
            )
            SELECT id, run_id, tenant_id, environment, event_id, kind, payload::text AS payload, ordering_key, attempt, max_attempts, run_at
            FROM claimed ORDER BY run_at, id
            """, [limit, perTenant, worker, leaseSeconds, tenants.sqlArray]
        ).map(decode)
    }

    /// Whether a job of `kind` whose payload contains these fields is queued or running (a
    /// resume must not queue a second step of a run).
    public static func hasPending(_ tx: Transaction, tenantId: UUID, kind: JobKind, payloadContaining fields: [String: String]) throws -> Bool {
        let fields = JSONValue.object(fields.mapValues { .string($0) }).canonicalText
        return try tx.one(
            "SELECT 1 AS one FROM jobs WHERE tenant_id = $1 AND kind = $2 AND payload @> $3::jsonb LIMIT 1",
            [tenantId, kind.rawValue, fields]) != nil
    }

    public struct LeaseLost: Error, CustomStringConvertible {
        public let jobId: Int64
        public var description: String { "job \(jobId): the lease ran out and another worker took the job" }
    }

    /// Moves a running job to history as completed, in the caller's transaction (with the job's
    /// effects); throws `LeaseLost` when the job is no longer this attempt's. Without
    /// `settlingEvent`, the caller settles the job's event after the effects (`settleEvents`).
    public static func complete(_ tx: Transaction, _ job: Job, summary: String? = nil, settlingEvent: Bool = true) throws {
        try finish(tx, job, state: .completed, outcome: .succeeded, error: nil, summary: summary)
        if settlingEvent { try settleEvents(tx, tenantId: job.tenantId, job.eventId.map { [$0] } ?? []) }
    }

    /// Moves a running job to the dead letters, with an alert.
    public static func kill(_ tx: Transaction, _ job: Job, error: String) throws {
        try finish(tx, job, state: .dead, outcome: .failed, error: error)
        try settleEvents(tx, tenantId: job.tenantId, job.eventId.map { [$0] } ?? [])
        try tx.query(
            """
            INSERT INTO alerts (tenant_id, environment, kind, job_id, subject, message) VALUES ($1, $2, '\(Alert.Kind.jobDead.rawValue)', $3, $5, $4)
            ON CONFLICT (tenant_id, environment, kind, subject) WHERE acknowledged_at IS NULL DO NOTHING
            """, [job.tenantId, job.environment.rawValue, job.id, "\(job.kind) gave up after \(job.attempt) attempt(s): \(error)", "job:\(job.id)"])
    }

    private static func finish(_ tx: Transaction, _ job: Job, state: JobState, outcome: AttemptOutcome, error: String?, summary: String? = nil) throws {
        let done = try finish(tx, [Completion(job: job, summary: summary)], state: state, outcome: outcome, error: error, liveTenantsOnly: false)
        if done.isEmpty { throw LeaseLost(jobId: job.id) }
    }

    /// The status of finished jobs' events, once they are in history: pending while a job of the
    /// event is left, dead when one died and was not replayed, else completed. The pool settles
    /// after the completing transaction's effects (a run's next step queued), so a step followed
    /// by the next one leaves its event as it was, where settling inside the move to history wrote
    /// it twice (completed, then pending again). A row whose status stays the same is not written.
    public static func settleEvents(_ tx: Transaction, tenantId: UUID, _ eventIds: [UUID]) throws {
        guard !eventIds.isEmpty else { return }
        // Nothing reads its rows: it travels with the transaction's next statement or its COMMIT.
        tx.hold(
            """
            UPDATE events SET status = settled.status
            FROM (
              SELECT e.id, CASE
                  WHEN EXISTS (SELECT 1 FROM jobs o WHERE o.event_id = e.id) THEN 'pending'
                  WHEN EXISTS (SELECT 1 FROM job_history h WHERE h.event_id = e.id AND h.state = 'dead' AND h.replayed_by IS NULL) THEN 'dead'
                  ELSE 'completed' END AS status
              FROM events e WHERE e.tenant_id = $1 AND e.id = ANY($2::uuid[])
            ) settled
            WHERE events.id = settled.id AND events.status IS DISTINCT FROM settled.status
            """, [tenantId, SQLArray(Array(Set(eventIds)).map { $0.lowercasedText })])
    }

    /// Moves running jobs to history in one statement: the jobs and their attempts (each with its
    /// summary); their events are the caller's to settle (`settleEvents`). Returns the ids it
    /// moved; a job left out lost its lease (or, with `liveTenantsOnly`, belongs to a deleted tenant).
    static func finish(
        _ tx: Transaction, _ jobs: [Completion], state: JobState, outcome: AttemptOutcome, error: String?, liveTenantsOnly: Bool
    ) throws -> Set<Int64> {
        guard !jobs.isEmpty else { return [] }
        let rows = try tx.query(
            """
            WITH gone AS (
              -- By primary key, each job's attempt looked up by its place in the arrays: a join
              -- with the unnested arrays was planned as a nested loop over every running job.
              DELETE FROM jobs
              WHERE jobs.id = ANY($1::bigint[]) AND jobs.state = 'running' AND jobs.attempt = ($2::int[])[array_position($1::bigint[], jobs.id)]
                AND (NOT $7::bool OR jobs.tenant_id IN (SELECT id FROM tenants WHERE deleted_at IS NULL))
              RETURNING jobs.*
            ),
            kept AS (
              INSERT INTO job_history (id, run_id, tenant_id, environment, event_id, kind, payload, ordering_key, state, attempts, last_error, created_at)
              SELECT id, run_id, tenant_id, environment, event_id, kind, payload, ordering_key, $4, attempt, $6, created_at FROM gone
            ),
            attempted AS (
              UPDATE job_attempts a
              SET finished_at = now(), outcome = $5, error = $6, summary = (($3::text[])[array_position($1::bigint[], a.job_id)])::jsonb
              FROM gone WHERE a.job_id = gone.id AND a.attempt = gone.attempt
            )
            SELECT id FROM gone
            """,
            [
                SQLArray(jobs.map { String($0.job.id) }), SQLArray(jobs.map { String($0.job.attempt) }), SQLArray(jobs.map(\.summary)),
                state.rawValue, outcome.rawValue, error.map { String($0.prefix(2000)) }, liveTenantsOnly,
            ])
        return Set(try rows.map { try $0.int64("id") })
    }

    /// Puts a failed job back for another attempt at `runAt`; false when the lease was lost.
    @discardableResult
    public static func retry(_ tx: Transaction, _ job: Job, at runAt: Date, error: String) throws -> Bool {
        let message = String(error.prefix(2000))
        let rows = try tx.query(
            """
            WITH again AS (
              UPDATE jobs SET state = 'queued', run_at = $3, lease_until = NULL, worker = NULL, last_error = $4
              WHERE id = $1 AND state = 'running' AND attempt = $2 RETURNING id
            )
            UPDATE job_attempts SET finished_at = now(), outcome = 'failed', error = $4
            WHERE job_id = $1 AND attempt = $2 AND EXISTS (SELECT 1 FROM again) RETURNING job_id
            """, [job.id, job.attempt, runAt, message])
        return !rows.isEmpty
    }

    /// Gives back jobs claimed but not started (shutdown): the attempt is undone.
    public static func release(_ tx: Transaction, _ jobs: [Job]) throws {
        for job in jobs {
            try tx.query(
                """
                WITH back AS (
                  UPDATE jobs SET state = 'queued', attempt = attempt - 1, lease_until = NULL, worker = NULL
                  WHERE id = $1 AND state = 'running' AND attempt = $2 RETURNING id
                )
                DELETE FROM job_attempts WHERE job_id = $1 AND attempt = $2 AND EXISTS (SELECT 1 FROM back)
                """, [job.id, job.attempt])
        }
    }

    /// Jobs whose lease ran out (their worker died) go back to the queue, or to the dead letters
    /// when that was their last attempt. Run in the platform scope; returns how many came back.
    @discardableResult
    public static func reapExpiredLeases(_ tx: Transaction, tenants: TenantScope = .all) throws -> Int {
        let lost = try tx.query(
            """
            WITH expired AS (
              SELECT id, attempt FROM jobs WHERE state = 'running' AND lease_until < now() AND ($1::uuid[] IS NULL OR tenant_id = ANY($1))
              FOR UPDATE SKIP LOCKED
            ),
            back AS (
              UPDATE jobs SET state = 'queued', lease_until = NULL, worker = NULL, run_at = now(),
                     last_error = 'the worker stopped answering (lease expired)'
              FROM expired WHERE jobs.id = expired.id RETURNING jobs.id, jobs.attempt
            )
            UPDATE job_attempts a SET finished_at = now(), outcome = 'lost', error = 'the worker stopped answering (lease expired)'
            FROM back WHERE a.job_id = back.id AND a.attempt = back.attempt RETURNING a.job_id
            """, [tenants.sqlArray])
        // A job that used its last attempt dying is dead, not retried forever.
        let exhausted = try tx.query(
            """
            SELECT \(columns) FROM jobs WHERE state = 'queued' AND attempt >= max_attempts AND ($1::uuid[] IS NULL OR tenant_id = ANY($1))
            FOR UPDATE SKIP LOCKED
            """, [tenants.sqlArray]
        ).map(decode)
        for job in exhausted {
            try tx.query("UPDATE jobs SET state = 'running' WHERE id = $1", [job.id])
            try kill(tx, job, error: "the worker stopped answering on the last attempt")
        }
        return lost.count
    }

    /// Completed jobs (and their attempts) finished more than `days` ago leave the history, a
    /// batch at a time, so it stays a size PostgreSQL keeps in memory. Dead ones stay until
    /// replayed or purged by hand. Run in the platform scope; returns how many went.
    @discardableResult
    public static func purgeHistory(_ tx: Transaction, olderThanDays days: Int, tenants: TenantScope = .all, limit: Int = 5000) throws -> Int {
        try tx.query(
            """
            WITH old AS (
              SELECT id FROM job_history WHERE state = 'completed' AND finished_at < now() - make_interval(days => $1)
                AND ($3::uuid[] IS NULL OR tenant_id = ANY($3))
              ORDER BY finished_at LIMIT $2
            ),
            attempts AS (DELETE FROM job_attempts a USING old WHERE a.job_id = old.id)
            DELETE FROM job_history h USING old WHERE h.id = old.id RETURNING h.id
            """, [days, limit, tenants.sqlArray]
        ).count
    }

    public static func depth(_ tx: Transaction, tenantId: UUID? = nil) throws -> [QueueDepth] {
        try depth(tx, tenants: tenantId.map { .only($0) } ?? .all)
    }

    public static func depth(_ tx: Transaction, tenants: TenantScope) throws -> [QueueDepth] {
        try tx.query(
            """
            SELECT tenant_id, environment, count(*) FILTER (WHERE state = 'queued') AS queued, count(*) FILTER (WHERE state = 'running') AS running,
                   coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE state = 'queued' AND run_at <= now())), 0)::float8 AS oldest
            FROM jobs WHERE $1::uuid[] IS NULL OR tenant_id = ANY($1) GROUP BY tenant_id, environment ORDER BY tenant_id, environment
            """, [tenants.sqlArray]
        ).map { row in
            QueueDepth(
                tenantId: try row.uuid("tenant_id"), environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev,
                queued: try row.int("queued"), running: try row.int("running"), oldestAgeSeconds: Double(try row.string("oldest")) ?? 0)
        }
    }

    static func decode(_ row: Row) throws -> Job {
        Job(
            id: try row.int64("id"), runId: try row.uuid("run_id"), tenantId: try row.uuid("tenant_id"),
            environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev, eventId: try row.optionalUUID("event_id"),
            kind: JobKind(try row.string("kind")), payload: try row.string("payload"), orderingKey: row.optionalString("ordering_key"),
            attempt: try row.int("attempt"), maxAttempts: try row.int("max_attempts"), runAt: try row.optionalDate("run_at"))
    }
}

extension TenantScope {
    /// The scope as a `uuid[]` parameter: NULL for every tenant.
    var sqlArray: SQLArray? { tenantIds.map { SQLArray($0.map { $0.lowercasedText }) } }
}

/// A PostgreSQL array literal of text values, for `unnest($1::text[])`: one parameter for any
/// number of rows.
public struct SQLArray: SQLBindable {
    let values: [String?]

    public init(_ values: [String?]) { self.values = values }
    public init(_ values: [String]) { self.values = values }

    /// Byte by byte: Foundation's `replacingOccurrences` was measured at 43 % of intake's CPU;
    /// runs between quotes and backslashes are copied whole (a payload has few of either).
    public var sqlText: String? {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(values.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            guard var value else {
                out.append(contentsOf: "NULL".utf8)
                continue
            }
            out.append(UInt8(ascii: "\""))
            value.withUTF8 { bytes in
                var start = 0
                for position in 0..<bytes.count where bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "\\") {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
                    out.append(UInt8(ascii: "\\"))
                    start = position
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
