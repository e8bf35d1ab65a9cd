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
    /// Whether its transactions plan each prepared statement once, for any parameters
    /// (`jobWork`); otherwise PostgreSQL plans for the parameters given until it judges a
    /// generic plan no dearer.
    let genericPlans: Bool

    public init(conninfo: String, poolSize: Int, logger: Logger) {
        self.pool = ConnectionPool(conninfo: conninfo, capacity: poolSize, logger: logger)
        self.logger = logger
        self.genericPlans = false
    }

    private init(sharing database: Database, genericPlans: Bool) {
        self.pool = database.pool
        self.logger = database.logger
        self.genericPlans = genericPlans
    }

    /// The same pool, for the job workers' transactions, which plan each prepared statement once
    /// per connection, for any parameters (`plan_cache_mode = force_generic_plan`, set for each
    /// transaction). Left to itself, PostgreSQL plans a statement's first five runs for their
    /// parameters and then keeps the generic plan when it costs no more: it kept it for every
    /// statement of a flow's jobs (bench/flows, pg_stat_statements: about six plans per statement
    /// and connection). So each new pool connection paid five plannings of every statement: in a
    /// cold burst of 300 sales, 390 ms of PostgreSQL's 1.6 s; the generic plan from the first run
    /// cut PostgreSQL's CPU per flow from 5.3-5.5 ms to 4.4-4.9 ms. Not for the API: a page of a
    /// list far down (`(received_at, id) < ($7, $8)` when a cursor is given) needs its plan for
    /// the cursor to seek to it, and generic, it read every row before it (a cursor 250,000
    /// events down: 46 ms instead of 0.09 ms).
    public var jobWork: Database { Database(sharing: self, genericPlans: true) }

    /// Runs `body` in one transaction under `scope`; commits when it returns, rolls back when it throws.
    /// BEGIN and the scope travel with the body's first statement (one round trip fewer). A
    /// connection that turns out dead then (server restarted since it was last used) is replaced
    /// and the transaction started once more: nothing of it had reached the server, though the
    /// body's code before its first statement runs again. `durable: false` commits without
    /// waiting for the WAL flush (bookkeeping whose last instant may be lost in a crash: rate
    /// buckets), sent with the opening at no cost.
    @discardableResult
    public func transaction<T>(_ scope: Scope, durable: Bool = true, _ body: (Transaction) throws -> T) throws -> T {
        try transaction(scope, durable: durable, readOfOne: nil, body)
    }

    private func transaction<T>(_ scope: Scope, durable: Bool = true, readOfOne: PostgresConnection.OneTrip?, _ body: (Transaction) throws -> T) throws -> T {
        do {
            return try attempt(scope, durable: durable, readOfOne: readOfOne, body)
        } catch let first as OpeningLost {
            logger.notice(
                "database connection lost before BEGIN; retrying on a new connection",
                metadata: ["error": "\(first.underlying)"])
            pool.discardIdleConnections()
            do {
                return try attempt(scope, durable: durable, readOfOne: readOfOne, body)
            } catch let second as OpeningLost {
                throw second.underlying
            }
        }
    }

    /// A transaction whose body makes exactly one statement (a page of a list, one record): the
    /// scope and that statement travel in one round trip, one fewer than `transaction`'s, and
    /// commit with it (see `attempt`). A second statement in the body is refused (it would run
    /// after the commit).
    public func read<T>(_ scope: Scope, _ body: (Transaction) throws -> T) throws -> T {
        try oneStatement(scope, body)
    }

    /// The same for several reads that travel together (`Transaction.read` of several, one
    /// pipeline): a flow step's run, earlier steps, connections and breakers. A second round
    /// trip in the body is refused.
    public func readTogether<T>(_ scope: Scope, _ body: (Transaction) throws -> T) throws -> T {
        try transaction(scope, readOfOne: .reads, body)
    }

    /// The same for one statement that writes; `durable: false` commits without waiting for the
    /// WAL. A row it locks is released at once with the commit, not one round trip later.
    public func oneStatement<T>(_ scope: Scope, durable: Bool = true, _ body: (Transaction) throws -> T) throws -> T {
        try transaction(scope, durable: durable, readOfOne: .statement, body)
    }

    private func attempt<T>(_ scope: Scope, durable: Bool, readOfOne: PostgresConnection.OneTrip?, _ body: (Transaction) throws -> T) throws -> T {
        try pool.withConnection { connection in
            let transactionSettings: [(name: String, value: String)] =
                (durable ? [] : [("synchronous_commit", "off")]) + (genericPlans ? [("plan_cache_mode", "force_generic_plan")] : [])
            // A read of one whose opening travels with its statement needs no BEGIN and no
            // COMMIT: the pipeline's statements before its Sync are one implicit transaction, so
            // the scope set in it (set_config's local settings) holds for the statement after.
            var implicit = false
            switch scope {
            case .platform:
                implicit = readOfOne != nil
                let settings = PostgresConnection.settingsStatement([("clearline.scope", "platform")] + transactionSettings)
                connection.deferOpening(implicit ? [settings] : [("BEGIN", []), settings]) { _ in }
            case .tenant(let id):
                let opening: [(sql: String, parameters: [any SQLBindable])] = [
                    ("BEGIN", []),
                    PostgresConnection.settingsStatement(
                        [("clearline.scope", "tenant"), ("clearline.tenant_id", id.lowercasedText)] + transactionSettings),
                    ("SELECT 1 FROM tenants WHERE id = $1 AND deleted_at IS NULL", [id]),
                ]
                if LiveTenants.isKnownLive(id) {
                    implicit = readOfOne != nil
                    connection.deferOpening(implicit ? Array(opening.dropFirst()) : opening) { live in
                        guard live.isEmpty else { return }
                        LiveTenants.forget(id)
                        throw DomainError.notFound("No such tenant.")
                    }
                } else {
                    // Checked before the body runs: it never runs for a tenant that is gone.
                    let generation = LiveTenants.generation
                    let live: [Row]
                    do {
                        live = try connection.pipeline(opening).last ?? []
                    } catch let error as PostgresError where error.isConnectionLoss {
                        throw OpeningLost(underlying: error)
                    }
                    if live.isEmpty {
                        _ = try? connection.query("ROLLBACK")
                        throw DomainError.notFound("No such tenant.")
                    }
                    LiveTenants.confirm(id, checkedAt: generation)
                }
            }
            if let readOfOne { connection.beginReadOfOne(readOfOne, implicitTransaction: implicit) }
            do {
                let value = try body(Transaction(connection: connection, scope: scope))
                // A body that sent nothing still learns whether its tenant exists: its opening
                // goes with the COMMIT (or alone, in an implicit transaction).
                if readOfOne == nil || !connection.endReadOfOne() {
                    if implicit { try connection.sendHeldOpening() } else { try connection.query("COMMIT") }
                } else if connection.holdsStatements {
                    // Held after a read of one's round trip, which committed: they would run in
                    // no transaction of theirs. Refused, as a second statement would be.
                    throw PostgresError(kind: .server, message: "a read of one round trip held a statement after it")
                }
                return value
            } catch {
                if readOfOne != nil { _ = connection.endReadOfOne() }
                connection.dropOpening()
                if connection.isHealthy && connection.isInTransaction { _ = try? connection.query("ROLLBACK") }
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
