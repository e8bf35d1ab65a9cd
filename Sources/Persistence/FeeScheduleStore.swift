public import Foundation
public import Domain

/// Each PayTrace connection's fee schedule, kept as its JSON. None set: no fee is expected.
public enum FeeScheduleStore {
    public static func get(_ tx: Transaction, tenantId: UUID, connectionId: UUID) throws -> FeeSchedule? {
        guard
            let row = try tx.one("SELECT schedule::text AS schedule FROM fee_schedules WHERE tenant_id = $1 AND connection_id = $2", [tenantId, connectionId])
        else { return nil }
        guard let json = JSONValue(parsing: try row.string("schedule")), let schedule = FeeSchedule.parse(json).0 else {
            throw DomainError.conflict("the stored fee schedule of connection \(connectionId) no longer reads")
        }
        return schedule
    }

    public static func put(_ tx: Transaction, tenantId: UUID, connectionId: UUID, _ schedule: FeeSchedule) throws {
        try tx.query(
            """
            INSERT INTO fee_schedules (tenant_id, connection_id, schedule) VALUES ($1, $2, $3::jsonb)
            ON CONFLICT (tenant_id, connection_id) DO UPDATE SET schedule = excluded.schedule, updated_at = now()
            """, [tenantId, connectionId, schedule.json.canonicalText])
    }
}
