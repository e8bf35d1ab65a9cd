import Foundation
import Testing
import Persistence

@Suite("Migrations: files applied once, in order, even when processes race")
struct MigrationTests {
    @Test func twoConcurrentMigratorsApplyEachFileOnce() throws {
        let name = "clearline_migrate_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try PostgresConnection(conninfo: TestServer.shared.conninfo, logger: TestServer.quietLogger)
        try admin.execute("CREATE DATABASE \(name)")
        defer { try? admin.execute("DROP DATABASE \(name) WITH (FORCE)") }
        let conninfo = Self.replacingDatabase(in: TestServer.shared.conninfo, with: name)

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

    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + name
        return components.string ?? url
    }
}

final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<[String], any Error>] = []
    func append(_ result: Result<[String], any Error>) { lock.withLock { results.append(result) } }
    var all: [Result<[String], any Error>] { lock.withLock { results } }
}
