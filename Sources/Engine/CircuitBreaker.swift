import Foundation
import Connectors
import Domain
import Persistence

/// Calls through a connection unless its breaker is open (see `CircuitBreakerStore`); counts
/// authentication failures, and clears the count on the first success after one.
struct CircuitBreaker {
    let database: Database
    let connection: Connection
    /// As read with the step's other state (nil: no failure counted).
    let state: CircuitBreakerState?

    func call<T>(_ body: () throws -> T) throws -> T {
        let tenantId = connection.tenantId, connectionId = connection.id
        if let state, state.openedAt != nil {
            // Not called at all: the step goes to the dead letters with why, to be replayed once fixed.
            throw ConnectorError(
                .authentication,
                "Stopped without calling: \(connection.name) refused our credentials \(state.failures) times in a row "
                    + "(\(state.lastError ?? "no detail")). Reconnect it or correct its credentials, then replay this dead letter.")
        }
        do {
            let result = try body()
            if let state, state.failures > 0 {
                try database.transaction(.tenant(tenantId)) { try CircuitBreakerStore.reset($0, tenantId: tenantId, connectionId: connectionId) }
            }
            return result
        } catch let error as ConnectorError where error.kind == .authentication {
            try database.transaction(.tenant(tenantId)) { _ = try CircuitBreakerStore.failed($0, connection: connection, error: error.message) }
            throw error
        }
    }
}

/// A target writer whose every call to the vendor goes through the connection's breaker.
struct BreakerGuardedWriter: TargetWriter {
    let writer: any TargetWriter
    let breaker: CircuitBreaker

    func find(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String? {
        try breaker.call { try writer.find(schema, record, key: key) }
    }

    func create(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String {
        try breaker.call { try writer.create(schema, record, key: key) }
    }

    func searchKey(_ schema: TargetSchema, _ record: JSONValue) -> String? { writer.searchKey(schema, record) }
}
