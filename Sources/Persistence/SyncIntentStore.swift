public import Foundation
public import Domain

/// The exactly-once ledger's record of writes begun, `sync_intents`: a target's business key
/// (what its search looks for) is here once an attempt may have asked the target to create a
/// record under it. `SyncLedger` (Engine) is the one caller.
public enum SyncIntentStore {
    /// Records, durably and before the target is called, that a write under `searchKey` begins.
    /// True when none began before, so that nothing Clearline wrote can be in the target under
    /// that key, for an event received after intents were kept (migration 49). False for a key
    /// begun before (a retry, a replay, another sale naming the same invoice), whose write must
    /// search the target first.
    public static func begin(
        _ database: Database, tenantId: UUID, environment: EnvironmentName, target: String, searchKey: String, eventReceivedAt: Date
    ) throws -> Bool {
        try database.oneStatement(.tenant(tenantId)) { tx in
            try tx.read(begin(tenantId: tenantId, environment: environment, target: target, searchKey: searchKey, eventReceivedAt: eventReceivedAt))
        }
    }

    /// The same, as a statement that travels with others (a flow step's load): it commits, durably,
    /// with the transaction it is read in.
    public static func begin(tenantId: UUID, environment: EnvironmentName, target: String, searchKey: String, eventReceivedAt: Date) -> Read<Bool> {
        Read(
            """
            WITH begun AS (
              INSERT INTO sync_intents (tenant_id, environment, target, search_key) VALUES ($1, $2, $3, $4)
              ON CONFLICT DO NOTHING RETURNING 1)
            SELECT COALESCE(EXISTS (SELECT 1 FROM begun)
                     AND $5::timestamptz > (SELECT applied_at FROM schema_migrations WHERE version = 49), false) AS first
            """, [tenantId, environment.rawValue, target, searchKey, eventReceivedAt]
        ) { try $0.first.map { try $0.bool("first") } ?? false }
    }
}
