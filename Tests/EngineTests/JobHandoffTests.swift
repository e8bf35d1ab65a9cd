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

    /// Two chains on one key run one after the other, the earlier-placed first; a job placed ahead
    /// of a chain's follower (queued while the chain's job ran) goes before the follower, which is
    /// then left to a claim.
    @Test func aFollowerKeepsItsKeysLine() throws {
        let tenant = try QueueDatabase.tenant()
        let now = Date()
        let later = try QueueDatabase.probes(tenant, count: 1, payload: #"{"then": 2}"#, orderingKey: "k", since: now.addingTimeInterval(-5))[0]
        let first = try QueueDatabase.probes(
            tenant, count: 1, payload: #"{"then": 2, "sleep_ms": 400}"#, orderingKey: "k", since: now.addingTimeInterval(-10))[0]
        let pool = QueueDatabase.pool(workers: 4, tenants: .only(tenant))
        pool.start()
        let running = try Wait.blockingUntil(30) {
            try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
                try tx.one("SELECT 1 AS one FROM jobs WHERE id = $1 AND state = 'running'", [first]) != nil
            }
        }
        #expect(running)
        // A follower keeps its chain's place (-10 s): a job placed at -12 s is ahead of it.
        let ahead = try QueueDatabase.probes(tenant, count: 1, orderingKey: "k", since: now.addingTimeInterval(-12))[0]
        let done = try Wait.blockingUntil(60) { try QueueDatabase.remaining(tenant) == 0 }
        pool.shutdown(grace: 5)
        #expect(done)
        let order = try QueueDatabase.shared.transaction(.tenant(tenant)) { tx in
            try tx.query("SELECT job_id FROM probe_effects WHERE tenant_id = $1 ORDER BY seq", [tenant]).map { try $0.int64("job_id") }
        }
        #expect(order.count == 7)
        #expect(Array(order.prefix(2)) == [first, ahead], "the job placed ahead went before the first chain's follower: \(order)")
        // The first chain's other two jobs, then the later chain's three.
        #expect(order.firstIndex(of: later) == 4, "\(order)")
        #expect(order.suffix(3).first == later)
    }
}
