import Foundation
import Testing
import Domain
import Persistence
import Engine
import ClearlineTesting

@Suite("The job queue and the worker pool", .serialized, .requiresDatabase)
struct JobQueueTests {
    @Test func twoPoolsRunEveryJobExactlyOnce() throws {
        let tenants = [try QueueDatabase.tenant(), try QueueDatabase.tenant()]
        var ids: [Int64] = []
        for tenant in tenants { ids += try QueueDatabase.probes(tenant, count: 600) }
        let pools = [QueueDatabase.pool(workers: 4, tenants: .only(Set(tenants))), QueueDatabase.pool(workers: 4, tenants: .only(Set(tenants)))]
        pools.forEach { $0.start() }
        let done = try Wait.blockingUntil(120) { try tenants.allSatisfy { try QueueDatabase.remaining($0) == 0 } }
        pools.forEach { $0.shutdown(grace: 5) }
        #expect(done)
        var effects: [Int64: Int] = [:]
        for tenant in tenants { effects.merge(try QueueDatabase.effects(tenant)) { $0 + $1 } }
        #expect(effects.count == ids.count)
        #expect(effects.values.allSatisfy { $0 == 1 }, "a job ran more than once")
        #expect(pools.allSatisfy { $0.completedCount > 0 }, "both pools took a share")
    }

    @Test func oneCommitCompletesManyJobsOfSeveralTenantsAndAFailingEffectStaysItsOwn() throws {
        let tenants = [try QueueDatabase.tenant(), try QueueDatabase.tenant()]
        var ids: [Int64] = []
        for tenant in tenants { ids += try QueueDatabase.probes(tenant, count: 300) }
        // Its effects fail in the first attempt's commit: the batch it is in falls back to one
        // transaction per job, and only this job is retried.
        let failing = try QueueDatabase.probes(tenants[0], count: 1, payload: #"{"fail_commits": 1}"#)[0]
        let pool = QueueDatabase.pool(workers: 4, tenants: .only(Set(tenants)))
        pool.start()
        let done = try Wait.blockingUntil(120) { try tenants.allSatisfy { try QueueDatabase.remaining($0) == 0 } }
        pool.shutdown(grace: 5)
        #expect(done)
        var effects: [Int64: Int] = [:]
        for tenant in tenants { effects.merge(try QueueDatabase.effects(tenant)) { $0 + $1 } }
        #expect(effects.count == ids.count + 1)
        #expect(effects.values.allSatisfy { $0 == 1 }, "a job's effects were written twice")
        let (shared, attempts) = try QueueDatabase.shared.transaction(.platform) { tx in
            // Jobs finished in one transaction share its now().
            (
                try tx.one(
                    """
                    SELECT count(*) AS n FROM (
                      SELECT finished_at FROM job_history WHERE tenant_id = ANY($1::uuid[])
                      GROUP BY finished_at HAVING count(DISTINCT tenant_id) = 2) batches
                    """, [SQLArray(tenants.map { $0.uuidString.lowercased() })])!.int("n"),
                try tx.query("SELECT outcome FROM job_attempts WHERE job_id = $1 ORDER BY attempt", [failing]).map { try $0.string("outcome") }
            )
        }
        #expect(shared > 0, "no commit completed jobs of both tenants")
        #expect(attempts == ["failed", "succeeded"])
    }

    @Test func jobsWithOneOrderingKeyCompleteInOrder() throws {
        let tenant = try QueueDatabase.tenant()
        var ids: [Int64] = []
        for index in 0..<60 {
            // Uneven durations, so out-of-order completion would show.
            ids += try QueueDatabase.probes(tenant, count: 1, payload: #"{"sleep_ms": \#((index * 7) % 11)}"#, orderingKey: "customer-42")
        }
        let unordered = try QueueDatabase.probes(tenant, count: 20, payload: #"{"sleep_ms": 3}"#)
        let order = try Self.runAll(tenant)
        #expect(order.filter { ids.contains($0) } == ids)
        #expect(Set(order).isSuperset(of: unordered))
    }

    /// A key's line is by when the work began: the next step of an earlier sale, queued after a
    /// later sale's step, goes first; and one at a time (uneven durations would scramble the
    /// order of jobs that ran side by side).
    @Test func aKeysLineIsByWhenTheWorkBeganAndOneRunsAtATime() throws {
        let tenant = try QueueDatabase.tenant()
        let now = Date()
        // Queued in this order, placed in the reverse one (each began a second before the last).
        var ids: [Int64] = []
        for index in 0..<30 {
            ids += try QueueDatabase.probes(
                tenant, count: 1, payload: #"{"sleep_ms": \#((index * 5) % 7)}"#, orderingKey: "customer-7", since: now.addingTimeInterval(Double(-index)))
        }
        let order = try Self.runAll(tenant)
        #expect(order == ids.reversed(), "\(order)")
    }

    /// Runs the tenant's jobs with six workers until none is left; the jobs in the order their effects were written.
    static func runAll(_ tenant: UUID) throws -> [Int64] {
        let pool = QueueDatabase.pool(workers: 6, tenants: .only(tenant))
        pool.start()
        let done = try Wait.blockingUntil(60) { try QueueDatabase.remaining(tenant) == 0 }
        pool.shutdown(grace: 5)
        #expect(done)
        return try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            try tx.query("SELECT job_id FROM probe_effects WHERE tenant_id = $1 ORDER BY seq", [tenant]).map { try $0.int64("job_id") }
        }
    }

    @Test func busyTenantsDoNotHoldBackAnotherTenantsJob() throws {
        let busy = try QueueDatabase.tenant()
        let quiet = try QueueDatabase.tenant()
        _ = try QueueDatabase.probes(busy, count: 10_000, payload: #"{"sleep_ms": 5}"#)
        // More tenants with older backlogs than a claim has room for.
        let others = try (0..<6).map { _ in try QueueDatabase.tenant() }
        for other in others { _ = try QueueDatabase.probes(other, count: 500, payload: #"{"sleep_ms": 5}"#) }
        let loud = [busy] + others
        let pool = QueueDatabase.pool(workers: 4, tenants: .only(Set(loud + [quiet])))
        pool.start()
        // Under way: the claims have found the backlogs before the quiet tenant's job arrives.
        let underway = try Wait.blockingUntil(60) { try loud.reduce(0) { $0 + (try QueueDatabase.effects($1).count) } >= 20 }
        let single = try QueueDatabase.probes(quiet, count: 1)
        let done = try Wait.blockingUntil(60) { try QueueDatabase.effects(quiet)[single[0]] == 1 }
        pool.shutdown(grace: 5)
        // How many of the others' jobs were claimed after the quiet job was queued and before it
        // was: a count of claims, whatever the machine's speed. Fair claims take each tenant's
        // first ready job before any tenant's second, so it is a handful; first come, first
        // served would make it thousands.
        let overtaken = try QueueDatabase.shared.transaction(.platform) { tx in
            try tx.one(
                """
                WITH quiet AS (
                  SELECT h.created_at, a.started_at FROM job_history h JOIN job_attempts a ON a.job_id = h.id WHERE h.id = $1
                )
                SELECT count(*) AS n FROM job_attempts a, quiet
                WHERE a.tenant_id = ANY($2::uuid[]) AND a.started_at > quiet.created_at AND a.started_at < quiet.started_at
                """, [single[0], SQLArray(loud.map { $0.uuidString.lowercased() })])!.int("n")
        }
        // Clear the busy tenant's backlog so later suites do not wait behind it.
        for tenant in loud {
            try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
                try tx.query("DELETE FROM job_attempts WHERE tenant_id = $1", [tenant])
                try tx.query("DELETE FROM jobs WHERE tenant_id = $1", [tenant])
            }
        }
        #expect(underway && done)
        #expect(overtaken < 400, "\(overtaken) of seven other tenants' 13,000 jobs were claimed before the quiet tenant's one job")
    }

    @Test func aDeadWorkersJobIsTakenOverAfterItsLeaseAndCompletesOnce() throws {
        let tenant = try QueueDatabase.tenant()
        // A worker claims it with a one-second lease and then dies (never answers). Queued and
        // claimed in one transaction, so no pool of a suite running alongside takes it first.
        let (id, claimed) = try QueueDatabase.shared.transaction(.platform) { tx in
            let id = try JobQueue.enqueue(tx, [NewJob(tenantId: tenant, environment: .dev, kind: .probe)])[0]
            return (id, try JobQueue.claim(tx, worker: "dead-worker", limit: 10, perTenant: 10, leaseSeconds: 1, tenants: .only(tenant)))
        }
        let stale = try #require(claimed.first { $0.id == id })
        let pool = QueueDatabase.pool(workers: 2, tenants: .only(tenant))
        let housekeeping = QueueDatabase.housekeeping(tenants: .only(tenant))
        pool.start()
        housekeeping.start()
        let done = try Wait.blockingUntil(60) { try QueueDatabase.effects(tenant)[id] == 1 }
        housekeeping.shutdown()
        pool.shutdown(grace: 5)
        #expect(done)
        // The dead worker coming back cannot complete what is no longer its own.
        #expect(throws: JobQueue.LeaseLost.self) {
            try QueueDatabase.shared.transaction(.tenant(tenant)) { try JobQueue.complete($0, stale) }
        }
        #expect(try QueueDatabase.effects(tenant)[id] == 1)
        let outcomes = try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            try tx.query("SELECT outcome FROM job_attempts WHERE job_id = $1 ORDER BY attempt", [id]).map { try $0.string("outcome") }
        }
        #expect(outcomes == ["lost", "succeeded"])
    }

    @Test func failuresBackOffThenSucceedOrDieWithAnAlert() throws {
        let tenant = try QueueDatabase.tenant()
        let recovering = try QueueDatabase.probes(tenant, count: 1, payload: #"{"fail_attempts": 2}"#)[0]
        let hopeless = try QueueDatabase.probes(tenant, count: 1, payload: #"{"fail_attempts": 99}"#, maxAttempts: 3)[0]
        let unknown = try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            try JobQueue.enqueue(tx, [NewJob(tenantId: tenant, environment: .dev, kind: JobKind("no.such.kind"))])[0]
        }
        let pool = QueueDatabase.pool(workers: 2, tenants: .only(tenant))
        pool.start()
        let done = try Wait.blockingUntil(60) { try QueueDatabase.remaining(tenant) == 0 }
        pool.shutdown(grace: 5)
        #expect(done)
        let history = try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            try tx.query("SELECT id, state, attempts FROM job_history WHERE tenant_id = $1", [tenant])
                .reduce(into: [Int64: (String, Int)]()) { $0[try $1.int64("id")] = (try $1.string("state"), try $1.int("attempts")) }
        }
        #expect(history[recovering]?.0 == "completed" && history[recovering]?.1 == 3)
        #expect(history[hopeless]?.0 == "dead" && history[hopeless]?.1 == 3)
        #expect(history[unknown]?.0 == "dead" && history[unknown]?.1 == 1, "an unknown kind is not retried")
        let alerts = try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            try tx.query("SELECT job_id FROM alerts WHERE tenant_id = $1 AND kind = 'job_dead'", [tenant]).map { try $0.int64("job_id") }
        }
        #expect(Set(alerts) == [hopeless, unknown])
        #expect(try QueueDatabase.effects(tenant)[recovering] == 1)
    }

    @Test func completedJobsLeaveTheHistoryAfterTheirRetentionDeadOnesStay() throws {
        let tenant = try QueueDatabase.tenant()
        let ids = try QueueDatabase.probes(tenant, count: 2)
        let pool = QueueDatabase.pool(workers: 1, tenants: .only(tenant))
        pool.start()
        let done = try Wait.blockingUntil(60) { try QueueDatabase.remaining(tenant) == 0 }
        pool.shutdown(grace: 5)
        #expect(done)
        try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            try tx.query("UPDATE job_history SET finished_at = now() - interval '31 days' WHERE id = $1", [ids[0]])
            try tx.query("UPDATE job_history SET state = 'dead', finished_at = now() - interval '31 days' WHERE id = $1", [ids[1]])
        }
        // This tenant's housekeeping alone: no other suite's pool or housekeeping touches its rows,
        // so exactly the backdated completed job goes.
        let round = try QueueDatabase.housekeeping(tenants: .only(tenant)).runOnce()
        #expect(round.historyPurged == 1)
        let left = try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            try tx.query("SELECT id FROM job_history WHERE tenant_id = $1", [tenant]).map { try $0.int64("id") }
        }
        #expect(left == [ids[1]], "the completed one went, the dead one stays")
    }

    @Test func shutdownGivesBackClaimedJobsNoWorkerStarted() throws {
        let tenant = try QueueDatabase.tenant()
        _ = try QueueDatabase.probes(tenant, count: 6, payload: #"{"sleep_ms": 400}"#)
        let pool = QueueDatabase.pool(workers: 2, tenants: .only(tenant))
        pool.start()
        // Two running and at least one claimed beyond them, waiting for a worker.
        let claimed = try Wait.blockingUntil(60) {
            try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
                try tx.one("SELECT count(*) AS n FROM jobs WHERE tenant_id = $1 AND state = 'running'", [tenant])!.int("n")
            } >= 3
        }
        pool.shutdown(grace: 5)
        #expect(claimed)
        let running = try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            try tx.query("SELECT count(*) AS n FROM jobs WHERE tenant_id = $1 AND state = 'running'", [tenant]).first!.int("n")
        }
        #expect(running == 0, "nothing is left leased to a stopped pool")
        let finished = try QueueDatabase.effects(tenant).count
        #expect(finished + (try QueueDatabase.remaining(tenant)) == 6)
        try QueueDatabase.shared.transaction(.tenant(tenant)) { try $0.query("DELETE FROM jobs WHERE tenant_id = $1", [tenant]) }
    }
}
