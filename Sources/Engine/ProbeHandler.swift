import Foundation
import Domain
import Persistence

/// The diagnostic job kind `probe`: optionally sleeps (`{"sleep_ms": N}`), optionally fails its
/// first attempts (`{"fail_attempts": N}`), then records one row in `probe_effects` in the
/// completing transaction. Tests and bench/queue count those rows to prove exactly-once.
/// `{"fail_commits": N}` makes the effects of its first N attempts fail inside the completing
/// transaction, as a write refused by the database would (the batched commit's fallback).
/// `{"then": N}` names a probe to follow it, with `then` one less and the same ordering key and
/// place in the key's line: a chain of N + 1, as a run's steps are.
struct ProbeHandler: JobHandler {
    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        let payload = (try? JSONSerialization.jsonObject(with: Data(job.payload.utf8))) as? [String: Any] ?? [:]
        if let sleep = payload["sleep_ms"] as? Int, sleep > 0 { Thread.sleep(forTimeInterval: Double(min(sleep, 600_000)) / 1000) }
        if let failures = payload["fail_attempts"] as? Int, job.attempt <= failures {
            throw ProbeFailure(attempt: job.attempt)
        }
        let worker = context.worker
        let failCommit = (payload["fail_commits"] as? Int).map { job.attempt <= $0 } ?? false
        let following = (payload["then"] as? Int).flatMap { $0 > 0 ? $0 : nil }.map { then in
            NewJob(
                tenantId: job.tenantId, environment: job.environment, kind: .probe, payload: #"{"then": \#(then - 1)}"#, orderingKey: job.orderingKey,
                maxAttempts: job.maxAttempts, runAt: job.runAt.map { min($0, Date()) })
        }
        return JobEffects.following { tx in
            try tx.query("INSERT INTO probe_effects (job_id, tenant_id, worker) VALUES ($1, $2, $3)", [job.id, job.tenantId, worker])
            if failCommit { throw ProbeFailure(attempt: job.attempt) }
            return following.map { [$0] } ?? []
        }
    }

    struct ProbeFailure: Error, CustomStringConvertible {
        let attempt: Int
        var description: String { "probe asked to fail attempt \(attempt)" }
    }
}
