public import Foundation
public import Domain

/// Where each PayTrace connection's poller got to, and the scheduling of poll jobs: one per
/// connection with `poll` on, never two (a unique index), none for an hour after one died (a
/// refused password would otherwise be retried against PayTrace forever).
public enum PayTracePolling {
    public static let kind = "paytrace.poll"
    public static let defaultInterval = 300

    /// Queues a poll for every polling connection that has none; run in the platform scope.
    @discardableResult
    public static func schedule(_ tx: Transaction) throws -> Int {
        try tx.query("""
            INSERT INTO jobs (tenant_id, environment, kind, payload, ordering_key, max_attempts)
            SELECT c.tenant_id, c.environment, $1, jsonb_build_object('connection_id', c.id::text), 'poll:' || c.id::text, 50
            FROM connections c JOIN tenants t ON t.id = c.tenant_id AND t.deleted_at IS NULL
            WHERE c.kind = 'paytrace' AND c.deleted_at IS NULL AND c.settings->'poll' = 'true'::jsonb
              AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = $1 AND j.payload->>'connection_id' = c.id::text)
              AND NOT EXISTS (SELECT 1 FROM job_history h WHERE h.kind = $1 AND h.state = 'dead'
                              AND h.payload->>'connection_id' = c.id::text AND h.finished_at > now() - interval '1 hour')
            ON CONFLICT DO NOTHING RETURNING id
            """, [kind]).count
    }

    /// The next poll of `connectionId`, `after` seconds from now (in the completing transaction).
    public static func scheduleNext(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID, after seconds: Int) throws {
        try tx.query("""
            INSERT INTO jobs (tenant_id, environment, kind, payload, ordering_key, max_attempts, run_at)
            VALUES ($1, $2, $3, jsonb_build_object('connection_id', $4::text), 'poll:' || $4::text, 50, now() + make_interval(secs => $5))
            ON CONFLICT DO NOTHING
            """, [tenantId, environment.rawValue, kind, connectionId, seconds])
    }

    public struct Cursor: Sendable, Equatable {
        public let polledUntil: Date
        public let lastBatchNumber: Int
        public let transactionsSeen: Int64
    }

    public static func cursor(_ tx: Transaction, tenantId: UUID, connectionId: UUID) throws -> Cursor? {
        try tx.one("SELECT polled_until, last_batch_number, transactions_seen FROM poll_cursors WHERE tenant_id = $1 AND connection_id = $2",
                   [tenantId, connectionId]).map {
            Cursor(polledUntil: try $0.date("polled_until"), lastBatchNumber: try $0.int("last_batch_number"), transactionsSeen: try $0.int64("transactions_seen"))
        }
    }

    public static func advance(_ tx: Transaction, tenantId: UUID, connectionId: UUID, polledUntil: Date, lastBatchNumber: Int, newTransactions: Int) throws {
        try tx.query("""
            INSERT INTO poll_cursors (connection_id, tenant_id, polled_until, last_batch_number, transactions_seen) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (connection_id) DO UPDATE SET polled_until = $3, last_batch_number = greatest(poll_cursors.last_batch_number, $4),
              last_polled_at = now(), transactions_seen = poll_cursors.transactions_seen + $5
            """, [connectionId, tenantId, polledUntil, lastBatchNumber, newTransactions])
    }
}
