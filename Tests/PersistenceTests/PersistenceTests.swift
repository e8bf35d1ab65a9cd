import Foundation
import Logging
import Synchronization
import Testing
import ClearlineTesting
import Persistence
import Domain

@Suite("Persistence on libpq: parameters, SQLSTATE, notices, reconnects", .requiresDatabase)
struct PersistenceTests {
    @Test func valuesAreBoundNeverSpliced() throws {
        let hostile = "'); DROP TABLE tenants; --\u{1F4A5} \\ \" $1"
        let echoed = try TestServer.shared.database.transaction(.platform) { tx in
            try tx.one("SELECT $1::text AS v, $2::int AS n, $3::uuid AS u", [hostile, 42, Optional<UUID>.none])
        }
        #expect(try echoed?.string("v") == hostile)
        #expect(try echoed?.int("n") == 42)
        #expect(echoed?.optionalString("u") == nil)
    }

    @Test func arrayParametersCarryQuotesBackslashesAndNullsAsTheyAre() throws {
        let values: [String?] = ["plain", #"a "quoted" word"#, #"back\slash\"#, "\"\"\\", "", nil, "NULL", "{braces, commas}", "é€😀", #"{"json": "x\"y"}"#]
        let echoed = try TestServer.shared.database.transaction(.platform) { tx in
            try tx.query("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS x(v, n) ORDER BY n", [SQLArray(values)]).map { $0.optionalString("v") }
        }
        #expect(echoed == values)
    }

    @Test func errorsCarrySQLStateButNotParameters() throws {
        let secret = "s3cr3t-\(UUID())"
        let error = #expect(throws: PostgresError.self) {
            try TestServer.shared.database.transaction(.platform) { tx in
                try tx.query("SELECT $1::int", [secret])
            }
        }
        #expect(error?.sqlState == "22P02")
        #expect(error.map { !"\($0)".contains(secret) } == true)
    }

    @Test func uniqueViolationIsRecognised() async throws {
        let slug = Fixtures.uniqueSlug()
        let first = try await Client.send("POST", "/v1/tenants", json: ["name": "One", "slug": slug])
        let second = try await Client.send("POST", "/v1/tenants", json: ["name": "Two", "slug": slug])
        #expect(first.status == 201)
        #expect(second.status == 409)
        #expect(second.isProblem)
    }

    @Test func noticesGoToTheLogger() throws {
        let captured = NoticeCapture()
        let logger = Logger(label: "notice-test") { _ in captured }
        let database = Database(conninfo: TestServer.shared.conninfo, poolSize: 1, logger: logger)
        try database.transaction(.platform) { tx in
            try tx.query("DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; END $$")
        }
        #expect(captured.lines.withLock { $0 }.contains { $0.contains("hello from plpgsql") })
    }

    /// pg_terminate_backend only signals: waits until the backends have exited.
    static func waitUntilGone(_ pids: [String]) throws -> Bool {
        try Wait.blockingUntil(60) {
            try TestServer.shared.database.transaction(.platform) { tx in
                try tx.one("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])", [SQLArray(pids)])!.int("n")
            } == 0
        }
    }

    @Test func thePoolReconnectsAfterItsConnectionIsKilled() throws {
        let database = Database(conninfo: TestServer.shared.conninfo, poolSize: 1, logger: TestServer.quietLogger)
        let pid = try database.transaction(.platform) { try $0.one("SELECT pg_backend_pid() AS pid")!.int("pid") }
        // As a server restart would: the backend behind the pooled connection goes away.
        try TestServer.shared.database.transaction(.platform) { tx in
            try tx.query("SELECT pg_terminate_backend($1)", [pid])
        }
        #expect(try Self.waitUntilGone([String(pid)]))
        let again = try database.transaction(.platform) { try $0.one("SELECT pg_backend_pid() AS pid")!.int("pid") }
        #expect(again != pid)
        #expect(database.pool.stats.idle == 1)
    }

    @Test func everyPooledConnectionKilledAtOnceStillHeals() throws {
        let database = Database(conninfo: TestServer.shared.conninfo, poolSize: 4, logger: TestServer.quietLogger)
        // Four connections in the pool at once, then all four terminated, as a database restart does.
        let group = DispatchGroup()
        let pids = ResultsBox()
        for _ in 0..<4 {
            group.enter()
            // Plain threads: each blocks in libpq while holding its lease, so all four leases overlap.
            Thread.detachNewThread {
                pids.append(
                    Result {
                        try database.transaction(.platform) { tx in
                            let pid = try tx.one("SELECT pg_backend_pid() AS pid, pg_sleep(0.3)")!.string("pid")
                            return [pid]
                        }
                    })
                group.leave()
            }
        }
        group.wait()
        let killed = try pids.all.flatMap { try $0.get() }
        #expect(Set(killed).count == 4)
        try TestServer.shared.database.transaction(.platform) { tx in
            for pid in killed { try tx.query("SELECT pg_terminate_backend($1::int)", [pid]) }
        }
        #expect(try Self.waitUntilGone(killed))
        let after = try database.transaction(.platform) { try $0.one("SELECT pg_backend_pid() AS pid")!.string("pid") }
        #expect(!killed.contains(after))
    }

    @Test func aFullPoolTimesOutWithAnUnavailableError() throws {
        let pool = ConnectionPool(conninfo: TestServer.shared.conninfo, capacity: 1, acquireTimeout: 0.2, logger: TestServer.quietLogger)
        let error = try pool.withConnection { _ in
            #expect(throws: PostgresError.self) { try pool.withConnection { _ in } }
        }
        _ = error
        #expect(pool.stats.inUse == 0)
    }

    @Test func aFailedTransactionRollsBack() async throws {
        let tenant = try await Fixtures.tenant()
        let id = UUID(uuidString: tenant)!
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try TestServer.shared.database.transaction(.tenant(id)) { tx in
                try tx.query("UPDATE tenants SET name = 'half-done' WHERE id = $1", [id])
                throw Abort()
            }
        }
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)")["name"] == "Test Merchant")
    }

    /// Three reads in one round trip, as a tenant transaction's first statements (behind its held
    /// opening) and later ones; a failing one fails the transaction, which leaves nothing behind.
    @Test func readsTravelTogetherAndAFailingOneFailsTheTransaction() async throws {
        let tenant = try await Fixtures.tenant()
        let id = UUID(uuidString: tenant)!
        let number = Read("SELECT $1::int AS n", [7]) { try $0.first!.int("n") }
        let scope = Read("SELECT current_setting('clearline.tenant_id') AS t", []) { try $0.first!.string("t") }
        let name = Read("SELECT name FROM tenants WHERE id = $1", [id]) { $0.first?.optionalString("name") }
        let first = try TestServer.shared.database.transaction(.tenant(id)) { try $0.read(number, scope, name) }
        #expect(first.0 == 7 && first.1 == tenant.lowercased() && first.2 == "Test Merchant")
        let later = try TestServer.shared.database.transaction(.tenant(id)) { tx in
            try tx.query("UPDATE tenants SET name = 'changed in this transaction' WHERE id = $1", [id])
            return try tx.read(name, number, scope)
        }
        #expect(later.0 == "changed in this transaction" && later.1 == 7)
        let failing = Read("SELECT 1 / $1::int AS n", [0]) { try $0.first!.int("n") }
        let error = #expect(throws: PostgresError.self) {
            try TestServer.shared.database.transaction(.tenant(id)) { tx in
                try tx.query("UPDATE tenants SET name = 'half-done' WHERE id = $1", [id])
                return try tx.read(number, failing, name)
            }
        }
        #expect(error?.sqlState == "22012")
        #expect(try TestServer.shared.database.transaction(.tenant(id)) { try $0.read(name) } == "changed in this transaction")
    }

    /// A read of one statement commits with it; a second statement is refused, a failing one
    /// fails alone, an unknown tenant is not found, and the connection is whole after each.
    @Test func aReadOfOneStatementCommitsWithItAndRefusesASecond() async throws {
        let tenant = try await Fixtures.tenant()
        let id = UUID(uuidString: tenant)!
        // One connection: whatever a read leaves behind, the next transaction meets it.
        let database = Database(conninfo: TestServer.shared.conninfo, poolSize: 1, logger: TestServer.quietLogger)
        let name = { (tx: Transaction) in try tx.one("SELECT name FROM tenants WHERE id = $1", [id])?.optionalString("name") }
        #expect(try database.read(.tenant(id), name) == "Test Merchant")
        #expect(try database.read(.tenant(id), name) == "Test Merchant")
        let second = #expect(throws: PostgresError.self) {
            try database.read(.tenant(id)) { tx in
                _ = try name(tx)
                return try name(tx)
            }
        }
        #expect(second?.message.contains("second") == true, "\(String(describing: second))")
        #expect(throws: PostgresError.self) { try database.read(.tenant(id)) { try $0.query("SELECT 1 / $1::int", [0]) } }
        let one = Read("SELECT 1 AS n", []) { try $0.first!.int("n") }
        #expect(throws: PostgresError.self) { try database.read(.tenant(id)) { try $0.read(one, one, one) } }
        #expect(throws: DomainError.self) { try database.read(.tenant(UUID())) { try $0.query("SELECT 1") } }
        #expect(try database.read(.tenant(id)) { _ in 42 } == 42)
        // Nothing was left open: a write and a read after all of it see each other.
        try database.transaction(.tenant(id)) { try $0.query("UPDATE tenants SET name = 'after reads' WHERE id = $1", [id]) }
        #expect(try database.read(.tenant(id), name) == "after reads")
        #expect(
            try database.transaction(.platform) {
                try $0.one("SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'idle in transaction' AND pid = pg_backend_pid()")!.int("n")
            } == 0)
    }
}
