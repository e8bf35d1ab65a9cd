import Foundation
public import Domain

extension JobQueue {
    /// Queues `job` as `enqueue` does, in the transaction that completes the job it follows (a
    /// run's next step), and takes it for `worker` at once when a claim could: due now, and
    /// nothing of its ordering key running or ahead of it in the key's line. Taken, it is running
    /// with its first attempt recorded under a lease, as a claim leaves it, and no NOTIFY wakes
    /// anyone: the worker pool hands it to its own workers once the transaction commits. A step
    /// of a started run thus skips a claim round trip and the dispatcher's wake-up, and a run
    /// goes on with the workers that began it.
    ///
    /// The check sees committed rows and this transaction's own: a job of the key queued meanwhile
    /// by another transaction waits behind this one, as it would behind a claim made a moment
    /// before it committed.
    ///
    /// Held to travel with the transaction's next statement or its COMMIT (`Transaction.hold`): a
    /// batch of completions sends its jobs' hand-offs together, not one round trip each. `taken`
    /// gets the job once the rows come back, if it was taken.
    public static func enqueueTaken(_ tx: Transaction, _ job: NewJob, worker: String, leaseSeconds: Int, then taken: @escaping (Job) -> Void) {
        tx.hold(handoff, handoffParameters(job, worker: worker, leaseSeconds: leaseSeconds)) { rows in
            if let job = try Self.taken(rows) { taken(job) }
        }
    }

    private static func taken(_ rows: [Row]) throws -> Job? {
        guard let row = rows.first, try row.string("state") == "running" else { return nil }
        return try decode(row)
    }

    private static func handoffParameters(_ job: NewJob, worker: String, leaseSeconds: Int) -> [any SQLBindable] {
        [
            job.tenantId, job.environment.rawValue, job.kind.rawValue, job.payload, job.orderingKey, job.eventId, job.maxAttempts,
            job.runAt, worker, leaseSeconds, channel,
        ]
    }

    /// One queued instead of taken wakes the dispatchers (NOTIFY, sent at commit): `signalled`,
    /// read in the answer's one row, so that it runs.
    private static let handoff = """
        WITH placed AS (
          SELECT coalesce($8::timestamptz, now()) AS run_at, least(coalesce($8::timestamptz, now()), now()) AS ordered_at
        ),
        judged AS (
          SELECT run_at, ordered_at, run_at <= now() AND ($5::text IS NULL OR NOT EXISTS (
              SELECT 1 FROM jobs e WHERE e.tenant_id = $1 AND e.ordering_key = $5
                AND (e.state = 'running' OR e.ordered_at <= placed.ordered_at))) AS free
          FROM placed
        ),
        queued AS (
          INSERT INTO jobs (tenant_id, environment, kind, payload, ordering_key, event_id, max_attempts, run_at, ordered_at,
                            state, attempt, worker, lease_until)
          SELECT $1, $2, $3, $4::jsonb, $5, $6, $7, run_at, ordered_at,
                 CASE WHEN free THEN 'running' ELSE 'queued' END, CASE WHEN free THEN 1 ELSE 0 END,
                 CASE WHEN free THEN $9 END, CASE WHEN free THEN now() + make_interval(secs => $10) END
          FROM judged
          RETURNING id, run_id, tenant_id, environment, event_id, kind, payload, ordering_key, attempt, max_attempts, run_at, state
        ),
        recorded AS (
          INSERT INTO job_attempts (job_id, attempt, tenant_id, worker) SELECT id, attempt, tenant_id, $9 FROM queued WHERE state = 'running'
        ),
        reopened AS (
          UPDATE events SET status = 'pending' FROM queued
          WHERE queued.event_id IS NOT NULL AND events.tenant_id = queued.tenant_id AND events.id = queued.event_id AND events.status <> 'pending'
        ),
        signalled AS (
          SELECT pg_notify($11, '') FROM queued WHERE state = 'queued'
        )
        SELECT id, run_id, tenant_id, environment, event_id, kind, payload::text AS payload, ordering_key, attempt, max_attempts, run_at, state,
               (SELECT count(*) FROM signalled) AS signalled
        FROM queued
        """
}
