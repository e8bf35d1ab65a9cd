import Foundation
public import Logging
public import Domain

/// Whose rows a transaction may see (Domain's `AccessScope`). Row-level security policies read
/// it (set with `SET LOCAL`-equivalent `set_config(..., true)`), a second wall behind every
/// query's own `tenant_id` filter.
public typealias Scope = AccessScope

/// The entry point for database work: transactions on pooled connections, scoped for RLS.
public final class Database: Sendable {
    public let pool: ConnectionPool
    let logger: Logger

    public init(conninfo: String, poolSize: Int, logger: Logger) {
        self.pool = ConnectionPool(conninfo: conninfo, capacity: poolSize, logger: logger)
        self.logger = logger
    }

    /// Runs `body` in one transaction under `scope`; commits when it returns, rolls back when it throws.
    /// A connection that turns out dead at BEGIN (server restarted since it was last used) is
    /// replaced and the transaction started once more: nothing had run on it yet.
    @discardableResult
    public func transaction<T>(_ scope: Scope, _ body: (Transaction) throws -> T) throws -> T {
        do {
            return try attempt(scope, body)
        } catch let first as BeginFailed {
            logger.notice(
                "database connection lost before BEGIN; retrying on a new connection",
                metadata: ["error": "\(first.underlying)"])
            pool.discardIdleConnections()
            do {
                return try attempt(scope, body)
            } catch let second as BeginFailed {
                throw second.underlying
            }
        }
    }

    private struct BeginFailed: Error { let underlying: PostgresError }

    private func attempt<T>(_ scope: Scope, _ body: (Transaction) throws -> T) throws -> T {
        try pool.withConnection { connection in
            do {
                switch scope {
                case .platform:
                    try connection.begin(settings: [("clearline.scope", "platform")])
                case .tenant(let id):
                    let live = try connection.begin(
                        settings: [("clearline.scope", "tenant"), ("clearline.tenant_id", id.uuidString.lowercased())],
                        then: ("SELECT 1 FROM tenants WHERE id = $1 AND deleted_at IS NULL", [id]))
                    if live.isEmpty {
                        try connection.query("ROLLBACK")
                        throw DomainError.notFound("No such tenant.")
                    }
                }
            } catch let error as PostgresError where error.isConnectionLoss {
                throw BeginFailed(underlying: error)
            }
            do {
                let value = try body(Transaction(connection: connection, scope: scope))
                try connection.query("COMMIT")
                return value
            } catch {
                if connection.isHealthy { _ = try? connection.query("ROLLBACK") }
                throw error
            }
        }
    }

    /// BEGIN, the platform scope, `statements` and COMMIT in one round trip (libpq pipeline mode),
    /// for a hot path whose writes need no reads in between and carry each row's tenant
    /// themselves (intake's batches). On an error nothing is committed.
    public func pipelinedPlatformTransaction(_ statements: [(sql: String, parameters: [any SQLBindable])]) throws -> [[Row]] {
        try pool.withConnection { connection in
            let plan = [("BEGIN", []), PostgresConnection.settingsStatement([("clearline.scope", "platform")])] + statements + [("COMMIT", [])]
            do {
                return Array(try connection.pipeline(plan).dropFirst(2).dropLast())
            } catch {
                // The failed block stays open on the server until it is rolled back.
                if connection.isHealthy { _ = try? connection.query("ROLLBACK") }
                throw error
            }
        }
    }

    /// Runs one statement on its own (autocommit, no scope: row-level security shows it nothing
    /// unless it calls a function that sets its own scope). It must be safe to run twice: on a
    /// connection found dead it is sent once more on a fresh one.
    public func statement(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> [Row] {
        do {
            return try pool.withConnection { try $0.query(sql, parameters) }
        } catch let error as PostgresError where error.isConnectionLoss {
            pool.discardIdleConnections()
            return try pool.withConnection { try $0.query(sql, parameters) }
        }
    }
}
