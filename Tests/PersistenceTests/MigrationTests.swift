import Foundation
import Testing
import ClearlineTesting
import Persistence

@Suite("Migrations: files applied once, in order, even when processes race", .requiresDatabase)
struct MigrationTests {
    @Test func twoConcurrentMigratorsApplyEachFileOnce() throws {
        try TestServer.withTemporaryDatabase { conninfo in try Self.raceTwoMigrators(conninfo) }
    }

    static func raceTwoMigrators(_ conninfo: String) throws {
        let results = ResultsBox()
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                let outcome = Result { try Migrator(conninfo: conninfo, logger: TestServer.quietLogger).migrate() }
                results.append(outcome)
            }
        }
        group.wait()
        let outcomes = results.all
        #expect(outcomes.count == 2)
        let applied = try outcomes.map { try $0.get() }
        let bundled = try Migrator.bundled()
        #expect(applied.map(\.count).sorted() == [0, bundled.count])

        let check = try PostgresConnection(conninfo: conninfo, logger: TestServer.quietLogger)
        let rows = try check.query("SELECT version FROM schema_migrations ORDER BY version")
        #expect(try rows.map { try $0.int("version") } == bundled.map(\.version))
        #expect(try Migrator(conninfo: conninfo, logger: TestServer.quietLogger).migrate().isEmpty)
    }

}
