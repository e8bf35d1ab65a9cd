public import Logging
public import Foundation

/// Hands out leases on a bounded set of connections. Callers block (on their own thread) while
/// every connection is in use, up to `acquireTimeout`. A connection found broken after use is
/// dropped, and the next lease dials a fresh one, so the pool heals after a server restart.
public final class ConnectionPool: @unchecked Sendable {
    public struct Stats: Sendable {
        public var inUse: Int
        public var idle: Int
        public var waiting: Int
        public var capacity: Int
    }

    public let conninfo: String
    private let capacity: Int
    private let acquireTimeout: TimeInterval
    private let logger: Logger
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var inUse = 0
    private var waiting = 0
    private var closed = false

    public init(conninfo: String, capacity: Int, acquireTimeout: TimeInterval = 5, logger: Logger) {
        precondition(capacity > 0, "a pool needs at least one connection")
        self.conninfo = conninfo
        self.capacity = capacity
        self.acquireTimeout = acquireTimeout
        self.logger = logger
    }

    public var stats: Stats {
        condition.lock()
        defer { condition.unlock() }
        return Stats(inUse: inUse, idle: idle.count, waiting: waiting, capacity: capacity)
    }

    /// Runs `body` with a leased connection and returns the connection afterwards.
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try acquire()
        var healthy = false
        defer { release(connection, healthy: healthy) }
        do {
            let value = try body(connection)
            healthy = connection.isHealthy && !connection.isInTransaction && !connection.holdsStatements
            return value
        } catch {
            healthy = connection.isHealthy && !connection.isInTransaction && !connection.holdsStatements
            throw error
        }
    }

    /// Drops every idle connection: when one turned out dead, the others were connected to the
    /// same server and are most likely dead too.
    public func discardIdleConnections() {
        condition.lock()
        let dropped = idle.count
        idle.removeAll()
        condition.unlock()
        if dropped > 0 { logger.notice("dropped idle database connections after a connection loss", metadata: ["count": "\(dropped)"]) }
    }

    /// Closes idle connections and refuses new leases; leases already out finish normally.
    public func close() {
        condition.lock()
        closed = true
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func acquire() throws -> PostgresConnection {
        condition.lock()
        let deadline = Date().addingTimeInterval(acquireTimeout)
        while !closed, idle.isEmpty, inUse >= capacity {
            waiting += 1
            let signalled = condition.wait(until: deadline)
            waiting -= 1
            if !signalled && idle.isEmpty && inUse >= capacity {
                condition.unlock()
                throw PostgresError(kind: .poolExhausted, message: "no database connection free within \(acquireTimeout)s")
            }
        }
        if closed {
            condition.unlock()
            throw PostgresError(kind: .poolClosed, message: "the connection pool is closed")
        }
        inUse += 1
        if let connection = idle.popLast() {
            condition.unlock()
            return connection
        }
        condition.unlock()
        do {
            return try PostgresConnection(conninfo: conninfo, logger: logger)
        } catch {
            condition.lock()
            inUse -= 1
            condition.signal()
            condition.unlock()
            logger.error("database connection failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    private func release(_ connection: PostgresConnection, healthy: Bool) {
        condition.lock()
        inUse -= 1
        if healthy && !closed { idle.append(connection) }
        condition.signal()
        condition.unlock()
        if !healthy { logger.warning("dropped a broken database connection") }
    }
}
