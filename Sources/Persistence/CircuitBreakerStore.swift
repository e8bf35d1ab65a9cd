public import Foundation
public import Domain

/// Per connection, the authentication failures in a row. After `threshold` the breaker opens:
/// steps through the connection stop calling the vendor (each would be refused, and a vendor may
/// lock an account that keeps failing) until its credentials change or a check succeeds.
public enum CircuitBreakerStore {
    public static let threshold = 3

    /// The breakers of a tenant's connections that have counted a failure (few, usually none).
    public static func states(_ tx: Transaction, tenantId: UUID) throws -> [UUID: CircuitBreakerState] {
        try tx.read(states(tenantId: tenantId))
    }

    public static func states(tenantId: UUID) -> Read<[UUID: CircuitBreakerState]> {
        Read("SELECT connection_id, failures, opened_at, last_error FROM circuit_breakers WHERE tenant_id = $1", [tenantId]) { rows in
            var states: [UUID: CircuitBreakerState] = [:]
            for row in rows {
                states[try row.uuid("connection_id")] = CircuitBreakerState(
                    failures: try row.int("failures"), openedAt: try row.optionalDate("opened_at"), lastError: row.optionalString("last_error"))
            }
            return states
        }
    }

    /// Counts one more failure; opens the breaker (with an alert) when it reaches the threshold.
    /// Returns whether this failure opened it.
    @discardableResult
    public static func failed(_ tx: Transaction, connection: Connection, error: String) throws -> Bool {
        let row = try tx.one(
            """
            INSERT INTO circuit_breakers (tenant_id, connection_id, failures, last_error) VALUES ($1, $2, 1, $3)
            ON CONFLICT (tenant_id, connection_id) DO UPDATE SET failures = circuit_breakers.failures + 1, last_error = $3, updated_at = now()
            RETURNING failures, opened_at
            """, [connection.tenantId, connection.id, error])
        guard let row, try row.int("failures") >= threshold, try row.optionalDate("opened_at") == nil else { return false }
        try tx.query("UPDATE circuit_breakers SET opened_at = now() WHERE tenant_id = $1 AND connection_id = $2", [connection.tenantId, connection.id])
        try AlertStore.raise(
            tx, tenantId: connection.tenantId, environment: connection.environment, kind: .circuitOpen,
            subject: "connection:\(connection.id.lowercasedText)",
            message: "\(connection.name) refused Clearline's credentials \(threshold) times in a row (\(error)). Flows writing through it are "
                + "stopped and their steps go to the dead letters. Reconnect it or correct its credentials, then replay the dead letters.")
        return true
    }

    /// Closes it: the connection worked, or its credentials changed.
    public static func reset(_ tx: Transaction, tenantId: UUID, connectionId: UUID) throws {
        try tx.query("DELETE FROM circuit_breakers WHERE tenant_id = $1 AND connection_id = $2", [tenantId, connectionId])
    }
}
