import Foundation
import Testing
import Persistence

@Suite("Migrations: files applied once, in order, even when processes race")
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

final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<[String], any Error>] = []
    func append(_ result: Result<[String], any Error>) { lock.withLock { results.append(result) } }
    var all: [Result<[String], any Error>] { lock.withLock { results } }
}
