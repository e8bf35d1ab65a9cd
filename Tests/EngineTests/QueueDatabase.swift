import Foundation
import Logging
import Testing
import Domain
import Persistence
import Engine
import Crypto
import ClearlineTesting

/// The PostgreSQL that scripts/test started (DATABASE_URL), migrated, shared by the suites;
/// each test makes its own tenants, so tests never see each other's jobs by accident.
enum QueueDatabase {
    static let conninfo: String = {
        guard let url = TestDatabase.url else {
            fatalError("DATABASE_URL is not set: a suite that uses the queue database must be marked .requiresDatabase")
        }
        return url
    }()

    static var quietLogger: Logger {
        var logger = Logger(label: "clearline.engine-tests")
        logger.logLevel = .critical
        return logger
    }

    static let shared: Database = {
        do { try Migrator(conninfo: conninfo, logger: quietLogger).migrate() } catch { fatalError("migrations failed: \(error)") }
        return Database(conninfo: conninfo, poolSize: 24, logger: quietLogger)
    }()

    static let vault = Vault(masterKeys: MasterKeys(keyring: try! Keyring(keys: [1: SecureRandom.bytes(32)])))

    static func tenant() throws -> UUID {
        try shared.transaction(.platform) { try TenantStore.create($0, name: "Queue test", slug: "q-\(UUID().uuidString.prefix(12).lowercased())").id }
    }

    /// `since`: when their work began (a flow step's event), which places them in their key's line.
    static func probes(
        _ tenant: UUID, count: Int, payload: String = "{}", orderingKey: String? = nil, maxAttempts: Int = 8, since: Date? = nil
    ) throws -> [Int64] {
        try shared.transaction(.tenant(tenant)) { tx in
            try JobQueue.enqueue(
                tx,
                (0..<count).map { _ in
                    NewJob(
                        tenantId: tenant, environment: .dev, kind: .probe, payload: payload, orderingKey: orderingKey, maxAttempts: maxAttempts,
                        runAt: since)
                })
        }
    }

    /// A pool that takes only `tenants`' jobs, never those of suites running alongside.
    static func pool(workers: Int, lease: Int = 60, tenants: TenantScope) -> WorkerPool {
        precondition(tenants != .all, "a test's pool takes only its own tenants' jobs")
        return WorkerPool(
            database: shared, vault: vault,
            configuration: .init(workers: workers, leaseSeconds: lease, pollInterval: 0.2, backoff: Backoff(base: 0.01, cap: 0.05), tenants: tenants),
            logger: quietLogger)
    }

    /// The queue's housekeeping over `tenants` only, so it never reaps or purges another suite's rows.
    static func housekeeping(tenants: TenantScope, interval: TimeInterval = 0.2) -> QueueHousekeeping {
        precondition(tenants != .all, "a test's housekeeping touches only its own tenants' rows")
        return QueueHousekeeping(database: shared, configuration: .init(interval: interval, historyDays: 30, tenants: tenants), logger: quietLogger)
    }

    /// Rows of `probe_effects` per job, for `jobs`.
    static func effects(_ tenant: UUID) throws -> [Int64: Int] {
        try shared.transaction(.tenant(tenant)) { tx in
            try tx.query("SELECT job_id, count(*) AS n FROM probe_effects WHERE tenant_id = $1 GROUP BY job_id", [tenant])
                .reduce(into: [:]) { $0[try $1.int64("job_id")] = try $1.int("n") }
        }
    }

    static func remaining(_ tenant: UUID) throws -> Int {
        try shared.transaction(.tenant(tenant)) { try $0.one("SELECT count(*) AS n FROM jobs WHERE tenant_id = $1", [tenant])!.int("n") }
    }
}
