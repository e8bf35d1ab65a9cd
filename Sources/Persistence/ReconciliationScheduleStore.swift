public import Foundation
public import Domain

/// The daily reconciliation of each PayTrace connection that has one: which connections have a
/// time set, and claiming a local day's run so that it happens once however many processes look.
public enum ReconciliationScheduleStore {
    public struct Scheduled: Sendable {
        public let tenantId: UUID
        public let environment: EnvironmentName
        public let connectionId: UUID
        /// `HH:MM`, in `timeZone`.
        public let reconcileAt: String
        public let timeZone: String
    }

    public static func scheduled(_ tx: Transaction, tenants: TenantScope) throws -> [Scheduled] {
        try tx.query(
            """
            SELECT c.tenant_id, c.environment, c.id, c.settings->>'reconcile_at' AS reconcile_at, coalesce(c.settings->>'time_zone', 'UTC') AS time_zone
            FROM connections c JOIN tenants t ON t.id = c.tenant_id AND t.deleted_at IS NULL
            WHERE c.kind = 'paytrace' AND c.deleted_at IS NULL AND c.settings ? 'reconcile_at' AND ($1::uuid[] IS NULL OR c.tenant_id = ANY($1))
            """, [tenants.sqlArray]
        ).map { row in
            Scheduled(
                tenantId: try row.uuid("tenant_id"), environment: try row.value("environment"), connectionId: try row.uuid("id"),
                reconcileAt: try row.string("reconcile_at"), timeZone: try row.string("time_zone"))
        }
    }

    /// True when this call claims `day` (`yyyy-MM-dd`) for the connection: no run for it yet.
    public static func claim(_ tx: Transaction, _ scheduled: Scheduled, day: String) throws -> Bool {
        try tx.one(
            """
            INSERT INTO reconciliation_schedules (connection_id, tenant_id, last_run_on) VALUES ($1, $2, $3::date)
            ON CONFLICT (connection_id) DO UPDATE SET last_run_on = excluded.last_run_on, ran_at = now()
              WHERE reconciliation_schedules.last_run_on < excluded.last_run_on
            RETURNING connection_id
            """, [scheduled.connectionId, scheduled.tenantId, day]) != nil
    }
}
