import Foundation
import Testing
import ClearlineTesting
import Persistence
import Domain

/// Every pooled connection opens with the session's settings (`PostgresConnection.sessionSettings`,
/// sent in one round trip): UTC ISO timestamps, no JIT, and one generic plan per prepared statement.
@Suite("A connection's session settings", .requiresDatabase)
struct SessionSettingsTests {
    @Test func aNewConnectionHasEverySettingAndPlansEachStatementOnce() throws {
        let database = Database(conninfo: TestServer.shared.conninfo, poolSize: 1, logger: TestServer.quietLogger)
        let shown = try database.transaction(.platform) { tx in
            try tx.one(
                """
                SELECT current_setting('TimeZone') AS zone, current_setting('DateStyle') AS style, current_setting('jit') AS jit,
                       current_setting('plan_cache_mode') AS plans
                """)
        }
        let row = try #require(shown)
        #expect(try row.string("zone") == "UTC")
        #expect(try row.string("style") == "ISO, YMD")
        #expect(try row.string("jit") == "off")
        #expect(try row.string("plans") == "force_generic_plan")
        // A timestamp still reads back as the instant it was.
        let instant = Date(timeIntervalSince1970: 1_800_000_000.25)
        let read = try #require(try database.transaction(.platform) { try $0.one("SELECT $1::timestamptz AS at", [instant]) })
        #expect(abs(try read.date("at").timeIntervalSince(instant)) < 0.001)
    }
}
