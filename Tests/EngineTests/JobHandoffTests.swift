import Foundation
import Testing
import Domain
import Persistence
import Engine
import ClearlineTesting

/// A job that follows another (a run's next step) is taken at its predecessor's completion by
/// the same pool when a claim could take it, and otherwise waits in its key's line.
@Suite("Jobs taken at their predecessor's completion", .serialized, .requiresDatabase)
struct JobHandoffTests {
    /// The effects in the order they were written, and how many jobs began at their
    /// predecessor's completion and how many in a claim.
    struct Written {
        let order: [Int64]
        let takenAtCompletion: Int
        let claimed: Int
    }

    static func run(_ tenant: UUID, workers: Int = 4) throws -> Written {
        let pool = QueueDatabase.pool(workers: workers, tenants: .only(tenant))
        pool.start()
        let done = try Wait.blockingUntil(60) { try QueueDatabase.remaining(tenant) == 0 }
        pool.shutdown(grace: 5)
        #expect(done)
        return try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            let order = try tx.query("SELECT job_id FROM probe_effects WHERE tenant_id = $1 ORDER BY seq", [tenant]).map { try $0.int64("job_id") }
            // A job taken at completion began in the transaction that finished its predecessor's
            // attempt: the same now(), to the microsecond. A claimed one began in a claim of its own.
            let row = try tx.one(
                """
                WITH began AS (
                  SELECT a.job_id, EXISTS (
                      SELECT 1 FROM job_attempts p JOIN job_history ph ON ph.id = p.job_id
                      WHERE p.tenant_id = a.tenant_id AND p.finished_at = a.started_at AND ph.ordering_key IS NOT DISTINCT FROM h.ordering_key
                        AND (ph.payload->>'then')::int = (h.payload->>'then')::int + 1) AS taken
                  FROM job_attempts a JOIN job_history h ON h.id = a.job_id WHERE a.tenant_id = $1
                )
                SELECT count(*) FILTER (WHERE taken) AS taken, count(*) FILTER (WHERE NOT taken) AS claimed FROM began
                """, [tenant])!
            return Written(order: order, takenAtCompletion: try row.int("taken"), claimed: try row.int("claimed"))
        }
    }

    @Test func chainsRunToTheEndEachJobOnceTheFollowersTakenWithoutAClaim() throws {
        let tenant = try QueueDatabase.tenant()
        // Ten chains of six, five without a key and five each on a key of its own.
        _ = try QueueDatabase.probes(tenant, count: 5, payload: #"{"then": 5}"#)
        for key in 0..<5 { _ = try QueueDatabase.probes(tenant, count: 1, payload: #"{"then": 5}"#, orderingKey: "chain-\(key)") }
        let written = try Self.run(tenant)
        #expect(written.order.count == 60)
        #expect(Set(written.order).count == 60, "every job's effect once")
        #expect(try QueueDatabase.effects(tenant).values.allSatisfy { $0 == 1 })
        #expect(written.claimed == 10, "only the chains' first jobs were claimed")
        #expect(written.takenAtCompletion == 50)
    }

    /// Two chains on one key run one after the other, the earlier-placed first: a follower
    /// keeps its chain's place in the key's line, ahead of the later chain.
    @Test func twoChainsOnOneKeyRunOneAfterTheOther() throws {
        let tenant = try QueueDatabase.tenant()
        let now = Date()
        let later = try QueueDatabase.probes(tenant, count: 1, payload: #"{"then": 2}"#, orderingKey: "k", since: now.addingTimeInterval(-5))[0]
        let first = try QueueDatabase.probes(tenant, count: 1, payload: #"{"then": 2}"#, orderingKey: "k", since: now.addingTimeInterval(-10))[0]
        let written = try Self.run(tenant)
        #expect(written.order.count == 6)
        #expect(written.order.first == first, "\(written.order)")
        #expect(written.order.firstIndex(of: later) == 3, "the first chain's three jobs, then the later chain's: \(written.order)")
        #expect(written.claimed == 2)
    }

    /// A follower is taken only when a claim could take it: not while a job of its key runs, not
    /// behind a job placed ahead of it in the key's line, not before it is due.
    @Test func aFollowerIsQueuedWhenAClaimCouldNotTakeIt() throws {
        let tenant = try QueueDatabase.tenant()
        let now = Date()
        func follower(_ key: String?, since: Date) -> NewJob {
            NewJob(tenantId: tenant, environment: .dev, kind: .probe, orderingKey: key, runAt: since)
        }
        let taken = { (job: NewJob) -> Job? in
            var handed: Job?
            try QueueDatabase.shared.transaction(.tenant(tenant)) { JobQueue.enqueueTaken($0, job, worker: "handoff-test", leaseSeconds: 60) { handed = $0 } }
            return handed
        }
        // Free: nothing of its key, and due.
        let free = try #require(try taken(follower("free", since: now.addingTimeInterval(-1))))
        #expect(free.attempt == 1)
        // Its key's job is running (the one just taken).
        #expect(try taken(follower("free", since: now.addingTimeInterval(-1))) == nil)
        // A queued job of the key placed ahead of it.
        _ = try QueueDatabase.probes(tenant, count: 1, orderingKey: "line", since: now.addingTimeInterval(-12))
        #expect(try taken(follower("line", since: now.addingTimeInterval(-10))) == nil)
        // Placed ahead of that queued job itself: taken, as a claim would take it first.
        #expect(try taken(follower("line", since: now.addingTimeInterval(-13))) != nil)
        // Not yet due.
        #expect(try taken(follower(nil, since: now.addingTimeInterval(3600))) == nil)
        let (running, attempts) = try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            (
                try tx.one("SELECT count(*) AS n FROM jobs WHERE tenant_id = $1 AND state = 'running' AND worker = 'handoff-test'", [tenant])!.int("n"),
                try tx.one("SELECT count(*) AS n FROM job_attempts WHERE tenant_id = $1 AND worker = 'handoff-test'", [tenant])!.int("n")
            )
        }
        #expect(running == 2)
        #expect(attempts == 2, "each taken job's first attempt recorded, as a claim records it")
        try QueueDatabase.shared.transaction(.tenant(tenant)) { try $0.query("DELETE FROM jobs WHERE tenant_id = $1", [tenant]) }
    }
}
