import Foundation
import Testing
import ClearlineTesting
import Persistence
import Domain

/// Every pooled connection opens with the session's settings (`PostgresConnection.sessionSettings`,
/// sent in one round trip): UTC ISO timestamps and no JIT. The job workers' transactions plan each
/// prepared statement once (`Database.jobWork`); everyone else's plan for the parameters given.
@Suite("A connection's session settings", .requiresDatabase)
struct SessionSettingsTests {
    /// One connection, so every transaction below is on the same one.
    static func database() -> Database { Database(conninfo: TestServer.shared.conninfo, poolSize: 1, logger: TestServer.quietLogger) }

    static func planning(_ database: Database, _ scope: Scope) throws -> String {
        try database.transaction(scope) { try #require(try $0.one("SELECT current_setting('plan_cache_mode') AS mode")).string("mode") }
    }

    @Test func aNewConnectionHasEverySetting() throws {
        let database = Self.database()
        let shown = try database.transaction(.platform) { tx in
            try tx.one("SELECT current_setting('TimeZone') AS zone, current_setting('DateStyle') AS style, current_setting('jit') AS jit")
        }
        let row = try #require(shown)
        #expect(try row.string("zone") == "UTC")
        #expect(try row.string("style") == "ISO, YMD")
        #expect(try row.string("jit") == "off")
        // A timestamp still reads back as the instant it was.
        let instant = Date(timeIntervalSince1970: 1_800_000_000.25)
        let read = try #require(try database.transaction(.platform) { try $0.one("SELECT $1::timestamptz AS at", [instant]) })
        #expect(abs(try read.date("at").timeIntervalSince(instant)) < 0.001)
    }

    @Test func onlyJobWorkPlansEachStatementOnceAndOnlyForItsOwnTransactions() throws {
        let database = Self.database()
        let tenant = try database.transaction(.platform) { try TenantStore.create($0, name: "Plans", slug: Fixtures.uniqueSlug()).id }
        #expect(try Self.planning(database, .platform) == "auto")
        #expect(try Self.planning(database.jobWork, .platform) == "force_generic_plan")
        #expect(try Self.planning(database.jobWork, .tenant(tenant)) == "force_generic_plan")
        // The setting ended with the job's transaction: the API's next one on the same connection plans as before.
        #expect(try Self.planning(database, .tenant(tenant)) == "auto")
        #expect(
            try database.jobWork.readTogether(.tenant(tenant)) { tx in
                try tx.read(Read("SELECT current_setting('plan_cache_mode') AS mode", []) { try $0[0].string("mode") })
            } == "force_generic_plan")
        #expect(try Self.planning(database, .platform) == "auto")
    }
}
