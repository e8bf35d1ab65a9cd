import Foundation
public import Logging
import Crypto

/// One SQL file under Migrations/, named `NNNN_description.sql`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
    public var checksum: String { Encoding.hex(Digest.sha256(sql)) }
}

/// Applies the bundled SQL migrations in order, each in its own transaction, recording them in
/// `schema_migrations`. A session-level advisory lock makes concurrent starts take turns, so two
/// processes starting at once never apply the same file twice.
public struct Migrator: Sendable {
    /// Arbitrary but fixed: the advisory lock key every Clearline process agrees on.
    static let lockKey = 7_242_530_118

    public let conninfo: String
    public let logger: Logger

    public init(conninfo: String, logger: Logger) {
        self.conninfo = conninfo
        self.logger = logger
    }

    public static func bundled() throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresError(kind: .server, message: "the Migrations folder is missing from the bundle")
        }
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        let migrations = try files.map { url -> Migration in
            let file = url.lastPathComponent
            guard let version = Int(file.prefix(while: { $0.isNumber })) else {
                throw PostgresError(kind: .server, message: "migration file \(file) does not start with a number")
            }
            return Migration(version: version, name: file, sql: try String(contentsOf: url, encoding: .utf8))
        }.sorted { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw PostgresError(kind: .server, message: "migrations \(a.name) and \(b.name) share a version")
        }
        return migrations
    }

    /// Applies what is pending and returns the names applied now.
    @discardableResult
    public func migrate() throws -> [String] {
        let migrations = try Self.bundled()
        let connection = try PostgresConnection(conninfo: conninfo, logger: logger)
        try connection.query("SELECT pg_advisory_lock($1)", [Self.lockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey]) }
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
              applied_at timestamptz NOT NULL DEFAULT now())
            """)
        var applied: [Int: String] = [:]
        for row in try connection.query("SELECT version, checksum FROM schema_migrations") {
            applied[try row.int("version")] = try row.string("checksum")
        }
        var names: [String] = []
        for migration in migrations {
            if let checksum = applied[migration.version] {
                guard checksum == migration.checksum else {
                    throw PostgresError(kind: .server, message: "migration \(migration.name) was changed after it was applied; add a new migration instead")
                }
                continue
            }
            logger.info("applying migration", metadata: ["migration": .string(migration.name)])
            try connection.execute("BEGIN")
            do {
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [migration.version, migration.name, migration.checksum])
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
            names.append(migration.name)
        }
        return names
    }

    private static let latestBundledVersion = Result { try bundled().last?.version ?? 0 }

    /// True when every bundled migration is recorded as applied (readiness).
    public static func isCurrent(_ tx: Transaction) throws -> Bool {
        let latest = try latestBundledVersion.get()
        let row = try tx.one("SELECT coalesce(max(version), 0) AS v FROM schema_migrations")
        return try row?.int("v") ?? 0 >= latest
    }
}
