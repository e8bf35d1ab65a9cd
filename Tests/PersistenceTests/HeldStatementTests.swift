import Foundation
import Testing
import ClearlineTesting
import Persistence
import Domain

/// A held statement (`Transaction.hold`) travels with the transaction's next statement or its
/// COMMIT: the next statement sees what it wrote, its error fails the transaction there, and a
/// failed body's held statements never reach the next transaction on the same connection.
@Suite("Statements held for the next round trip", .requiresDatabase)
struct HeldStatementTests {
    /// One connection, so the next transaction is certainly on the one that held.
    static func database() -> Database { Database(conninfo: TestServer.shared.conninfo, poolSize: 1, logger: TestServer.quietLogger) }

    /// How many tenants have `slug`, read in `tx`.
    static func tenants(_ tx: Transaction, slug: String) throws -> Int? {
        try tx.one("SELECT count(*)::int AS n FROM tenants WHERE slug = $1", [slug])?.int("n")
    }

    /// The same, committed: read in a transaction of its own.
    static func tenants(_ database: Database, slug: String) throws -> Int? {
        try database.transaction(.platform) { try tenants($0, slug: slug) }
    }

    /// Holds the insert of a tenant named `name` with `slug`.
    static func holdTenant(_ tx: Transaction, _ name: String, slug: String) {
        tx.hold("INSERT INTO tenants (name, slug) VALUES ($1, $2)", [name, slug])
    }

    @Test func theNextStatementSeesWhatAHeldOneWroteAndTheCommitCarriesTheLast() throws {
        let database = Self.database()
        let (slug, renamed) = (Fixtures.uniqueSlug(), Fixtures.uniqueSlug())
        let seen = try database.transaction(.platform) { tx in
            Self.holdTenant(tx, "Held", slug: slug)
            let seen = try Self.tenants(tx, slug: slug)
            // Nothing reads after this one: it goes with the COMMIT.
            tx.hold("UPDATE tenants SET slug = $2 WHERE slug = $1", [slug, renamed])
            return seen
        }
        #expect(seen == 1)
        #expect(try Self.tenants(database, slug: renamed) == 1)
    }

    @Test func aHeldStatementsErrorFailsItsTransactionAndCommitsNothing() throws {
        let database = Self.database()
        let slug = Fixtures.uniqueSlug()
        #expect(throws: PostgresError.self) {
            try database.transaction(.platform) { tx in
                Self.holdTenant(tx, "Held", slug: slug)
                tx.hold("SELECT 1 / 0")
            }
        }
        #expect(try Self.tenants(database, slug: slug) == 0)
    }

    /// The next transaction is on the same connection (a pool of one), and works.
    @Test func aFailedBodysHeldStatementsAreDropped() throws {
        struct Refused: Error {}
        let database = Self.database()
        let slug = Fixtures.uniqueSlug()
        #expect(throws: Refused.self) {
            try database.transaction(.platform) { tx in
                _ = try tx.query("SELECT 1")
                Self.holdTenant(tx, "Dropped", slug: slug)
                // Sent with the ROLLBACK, it would fail there and leave the connection's
                // transaction aborted for the next one.
                tx.hold("SELECT 1 / 0")
                throw Refused()
            }
        }
        #expect(try Self.tenants(database, slug: slug) == 0)
    }

    /// A read of one round trip commits with it: a statement held after that would run in no
    /// transaction of its own, or in the next one on the connection. It is refused, and the next
    /// transaction sends nothing of it.
    @Test func aStatementHeldAfterAReadOfOneIsRefused() throws {
        let database = Self.database()
        let slug = Fixtures.uniqueSlug()
        #expect(throws: PostgresError.self) {
            try database.read(.platform) { tx in
                _ = try tx.query("SELECT 1")
                Self.holdTenant(tx, "Late", slug: slug)
            }
        }
        #expect(try Self.tenants(database, slug: slug) == 0)
    }
}
