import ArgumentParser
import Foundation
import Domain
import Persistence

/// Looking at and feeding the job queue from the shell: diagnostic `probe` jobs for tests and
/// benchmarks, and the queue's state.
struct Jobs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The job queue: diagnostic probe jobs and the queue's state.",
        subcommands: [Probe.self, Status.self])

    static func tenant(_ database: Database, _ text: String) throws -> UUID {
        let found = try database.transaction(.platform) { tx -> Tenant? in
            if let id = UUID(uuidString: text) { return try TenantStore.get(tx, id: id) }
            return try TenantStore.find(tx, slug: text)
        }
        guard let found else { throw ValidationError("no tenant with id or slug \(text)") }
        return found.id
    }

    struct Probe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue probe jobs: each writes one row to probe_effects when it completes, so a second run of a job would show.")

        @Option(help: "The tenant, by id or slug.") var tenant: String
        @Option(help: "How many.") var count = 1000
        @Option(help: "Milliseconds each job sleeps before completing.") var sleepMs = 0
        @Option(help: "Give every job this ordering key (they then run one at a time, in order).") var orderingKey: String?
        @Option(help: "dev, qa or prod.") var environment = "dev"

        func validate() throws {
            guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be from 1 to 1000000") }
            guard EnvironmentName(rawValue: environment) != nil else { throw ValidationError("--environment must be dev, qa or prod") }
        }

        func run() throws {
            let database = try CLI.database()
            let tenantId = try Jobs.tenant(database, tenant)
            let payload = sleepMs > 0 ? #"{"sleep_ms": \#(sleepMs)}"# : "{}"
            var first: Int64?
            var last: Int64?
            var left = count
            while left > 0 {
                let batch = min(left, 5000)
                let ids = try database.transaction(.tenant(tenantId)) { tx in
                    try JobQueue.enqueue(
                        tx,
                        (0..<batch).map { _ in
                            NewJob(
                                tenantId: tenantId, environment: EnvironmentName(rawValue: environment)!, kind: .probe, payload: payload,
                                orderingKey: orderingKey)
                        })
                }
                first = first ?? ids.min()
                last = ids.max()
                left -= batch
            }
            print("queued \(count) probe jobs for tenant \(tenantId.uuidString.lowercased()) (ids \(first ?? 0)...\(last ?? 0))")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue depth and oldest wait per tenant; with --probes, what probe jobs did.")

        @Option(help: "Only this tenant (id or slug).") var tenant: String?
        @Flag(help: "Count probe effects: jobs completed, runs, jobs run more than once, runs per process.") var probes = false
        @Flag(help: "Only the first line (queued and running), cheap enough to poll.") var brief = false

        func run() throws {
            let database = try CLI.database()
            let tenantId = try tenant.map { try Jobs.tenant(database, $0) }
            try database.transaction(.platform) { tx in
                let depth = try JobQueue.depth(tx, tenantId: tenantId)
                let queued = depth.reduce(0) { $0 + $1.queued }, running = depth.reduce(0) { $0 + $1.running }
                print("queued \(queued) running \(running)")
                if brief { return }
                for row in depth {
                    print(
                        "  \(row.tenantId.uuidString.lowercased()) \(row.environment.rawValue): queued \(row.queued), running \(row.running), oldest \(String(format: "%.1f", row.oldestAgeSeconds)) s"
                    )
                }
                let history = try tx.one(
                    """
                    SELECT count(*) FILTER (WHERE state = 'completed') AS completed, count(*) FILTER (WHERE state = 'dead') AS dead
                    FROM job_history WHERE $1::uuid IS NULL OR tenant_id = $1
                    """, [tenantId])!
                let lost = try tx.one(
                    "SELECT count(*) AS n FROM job_attempts WHERE outcome = 'lost' AND ($1::uuid IS NULL OR tenant_id = $1)",
                    [tenantId])!.int("n")
                print("completed \(try history.int("completed")) dead \(try history.int("dead")) lost-attempts \(lost)")
                guard probes else { return }
                let effects = try tx.one(
                    """
                    SELECT count(*) AS runs, count(DISTINCT job_id) AS jobs,
                           (SELECT count(*) FROM (SELECT job_id FROM probe_effects WHERE $1::uuid IS NULL OR tenant_id = $1
                                                  GROUP BY job_id HAVING count(*) > 1) d) AS repeated
                    FROM probe_effects WHERE $1::uuid IS NULL OR tenant_id = $1
                    """, [tenantId])!
                print("probe runs \(try effects.int("runs")) jobs \(try effects.int("jobs")) repeated \(try effects.int("repeated"))")
                for row in try tx.query(
                    """
                    SELECT split_part(worker, ':', 1) || ':' || split_part(worker, ':', 2) AS process, count(*) AS runs
                    FROM probe_effects WHERE $1::uuid IS NULL OR tenant_id = $1 GROUP BY 1 ORDER BY 1
                    """, [tenantId])
                {
                    print("  process \(try row.string("process")): \(try row.int("runs")) runs")
                }
            }
        }
    }
}
