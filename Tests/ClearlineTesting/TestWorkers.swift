public import Foundation
public import Domain
public import Engine
import Persistence

/// Workers for tests: every pool and housekeeping is scoped to one tenant, so suites running side by
/// side never claim, reap or purge each other's rows.
public enum TestWorkers {
    /// Workers for one tenant's jobs only: suites run side by side, and a pool of one must not
    /// take (and hold, or stop with) another's jobs.
    public static func pool(tenant: UUID, workers: Int = 2, handlers: [JobKind: any JobHandler] = [:]) -> WorkerPool {
        // As `clearline serve` runs them: their transactions plan each statement once.
        WorkerPool(
            database: TestServer.shared.database.jobWork, vault: TestServer.shared.vault,
            configuration: .init(workers: workers, leaseSeconds: 30, pollInterval: 0.1, backoff: Backoff(base: 0.01, cap: 0.05), tenants: .only(tenant)),
            handlers: handlers, logger: TestServer.quietLogger)
    }

    /// The queue's housekeeping (first polls, expired leases, old history) for one tenant's rows only.
    public static func housekeeping(tenant: UUID) -> QueueHousekeeping {
        QueueHousekeeping(
            database: TestServer.shared.database.jobWork, configuration: .init(interval: 0.2, tenants: .only(tenant)), logger: TestServer.quietLogger)
    }

    /// No job of the tenant is queued or running.
    public static func queueIsEmpty(_ tenant: UUID) throws -> Bool {
        try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
            try tx.one("SELECT count(*) AS n FROM jobs WHERE tenant_id = $1", [tenant])!.int("n") == 0
        }
    }
}
