public import Foundation
public import Domain

/// Where each polling connection's poller got to, and which connections have no poll queued.
public enum PollCursorStore {
    public struct Cursor: Sendable, Equatable {
        public let polledUntil: Date
        public let lastBatchNumber: Int
        public let transactionsSeen: Int64
    }

    public static func cursor(_ tx: Transaction, tenantId: UUID, connectionId: UUID) throws -> Cursor? {
        try tx.one(
            "SELECT polled_until, last_batch_number, transactions_seen FROM poll_cursors WHERE tenant_id = $1 AND connection_id = $2",
            [tenantId, connectionId]
        ).map {
            Cursor(
                polledUntil: try $0.date("polled_until"), lastBatchNumber: try $0.int("last_batch_number"), transactionsSeen: try $0.int64("transactions_seen"))
        }
    }

    public static func advance(_ tx: Transaction, tenantId: UUID, connectionId: UUID, polledUntil: Date, lastBatchNumber: Int, newTransactions: Int) throws {
        try tx.query(
            """
            INSERT INTO poll_cursors (connection_id, tenant_id, polled_until, last_batch_number, transactions_seen) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (connection_id) DO UPDATE SET polled_until = $3, last_batch_number = greatest(poll_cursors.last_batch_number, $4),
              last_polled_at = now(), transactions_seen = poll_cursors.transactions_seen + $5
            """, [connectionId, tenantId, polledUntil, lastBatchNumber, newTransactions])
    }

    /// A live connection of `kind` with polling switched on.
    public struct Unpolled: Sendable, Equatable {
        public let tenantId: UUID
        public let environment: EnvironmentName
        public let connectionId: UUID
    }

    /// Live connections of `kind` with `poll` on and no job of `pollKind` naming them (in its
    /// payload's `connection_id`), leaving out those whose poll died within `quietAfterDeath`
    /// seconds: a refused password is not retried against the vendor forever. Platform scope.
    public static func unpolled(_ tx: Transaction, kind: ConnectionKind, pollKind: JobKind, quietAfterDeath: Int, tenants: TenantScope) throws -> [Unpolled] {
        try tx.query(
            """
            SELECT c.tenant_id, c.environment, c.id
            FROM connections c JOIN tenants t ON t.id = c.tenant_id AND t.deleted_at IS NULL
            WHERE c.kind = $1 AND c.deleted_at IS NULL AND c.settings->'poll' = 'true'::jsonb AND ($4::uuid[] IS NULL OR c.tenant_id = ANY($4))
              AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = $2 AND j.payload->>'connection_id' = c.id::text)
              AND NOT EXISTS (SELECT 1 FROM job_history h WHERE h.kind = $2 AND h.state = 'dead'
                              AND h.payload->>'connection_id' = c.id::text AND h.finished_at > now() - make_interval(secs => $3))
            """, [kind.rawValue, pollKind.rawValue, quietAfterDeath, tenants.sqlArray]
        ).map { row in
            Unpolled(tenantId: try row.uuid("tenant_id"), environment: try row.value("environment"), connectionId: try row.uuid("id"))
        }
    }
}
