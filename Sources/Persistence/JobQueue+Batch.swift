public import Foundation
public import Domain

extension JobQueue {
    /// A job whose handler succeeded, with the attempt summary to record.
    public struct Completion: Sendable {
        public let job: Job
        public let summary: String?

        public init(job: Job, summary: String?) {
            self.job = job
            self.summary = summary
        }
    }

    /// Moves many running jobs to history as completed in one statement, in the caller's
    /// platform-scope transaction: the jobs, their attempts and their events' status, as
    /// `complete` does for one. Returns the ids it completed. A job left out is one whose lease
    /// was lost, or whose tenant was deleted; the caller settles those one at a time, where the
    /// one-job path says which.
    public static func complete(_ tx: Transaction, _ completions: [Completion]) throws -> Set<Int64> {
        guard !completions.isEmpty else { return [] }
        let rows = try tx.query(
            """
            WITH gone AS (
              -- By primary key, each job's attempt looked up by its place in the arrays: a join
              -- with the unnested arrays was planned as a nested loop over every running job.
              DELETE FROM jobs
              WHERE jobs.id = ANY($1::bigint[]) AND jobs.state = 'running' AND jobs.attempt = ($2::int[])[array_position($1::bigint[], jobs.id)]
                AND jobs.tenant_id IN (SELECT id FROM tenants WHERE deleted_at IS NULL)
              RETURNING jobs.*
            ),
            kept AS (
              INSERT INTO job_history (id, run_id, tenant_id, environment, event_id, kind, payload, ordering_key, state, attempts, last_error, created_at)
              SELECT id, run_id, tenant_id, environment, event_id, kind, payload, ordering_key, 'completed', attempt, NULL, created_at FROM gone
            ),
            attempted AS (
              UPDATE job_attempts a
              SET finished_at = now(), outcome = 'succeeded', error = NULL, summary = (($3::text[])[array_position($1::bigint[], a.job_id)])::jsonb
              FROM gone WHERE a.job_id = gone.id AND a.attempt = gone.attempt
            ),
            event AS (
              -- The statement sees the jobs as they were before it: its own deletions are left out by id.
              UPDATE events SET status = CASE
                  WHEN EXISTS (SELECT 1 FROM jobs o WHERE o.event_id = events.id AND o.id NOT IN (SELECT id FROM gone)) THEN 'pending'
                  WHEN EXISTS (SELECT 1 FROM job_history h WHERE h.event_id = events.id AND h.state = 'dead' AND h.replayed_by IS NULL) THEN 'dead'
                  ELSE 'completed' END
              WHERE id IN (SELECT event_id FROM gone WHERE event_id IS NOT NULL)
            )
            SELECT id FROM gone
            """,
            [
                SQLArray(completions.map { String($0.job.id) }), SQLArray(completions.map { String($0.job.attempt) }),
                SQLArray(completions.map(\.summary)),
            ])
        return Set(try rows.map { try $0.int64("id") })
    }
}
