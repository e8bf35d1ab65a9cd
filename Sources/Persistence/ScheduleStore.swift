public import Foundation
public import Domain

/// Schedules, and the firing of their due slots. A due schedule is locked (SKIP LOCKED: another
/// process takes the next one) while its slot's event is recorded and its next slot set, in one
/// transaction: each slot fires once however many processes look. The next slot is the first
/// after now, so slots missed while no process ran (or while the tenant was suspended) fire once,
/// not once each.
public enum ScheduleStore {
    static let columns = """
        id, environment, name, event_type, cron, time_zone, enabled, next_run_at, last_slot, last_fired_at, fired, created_at, updated_at, action::text AS action
        """

    /// The same columns from `schedules s` in a join.
    static let joinedColumns = columns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

    public struct Conflict: Error {}

    public static func create(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, name: String, eventType: String, cron: String, timeZone: String, enabled: Bool,
        nextRunAt: Date?, action: ScheduleAction? = nil
    ) throws -> Schedule {
        guard
            let row = try tx.one(
                """
                INSERT INTO schedules (tenant_id, environment, name, event_type, cron, time_zone, enabled, next_run_at, action)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
                ON CONFLICT (tenant_id, environment, name) DO NOTHING
                RETURNING \(columns)
                """, [tenantId, environment.rawValue, name, eventType, cron, timeZone, enabled, nextRunAt, action?.json.canonicalText])
        else { throw Conflict() }
        return try decode(row)
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Schedule? {
        try tx.one("SELECT \(columns) FROM schedules WHERE tenant_id = $1 AND environment = $2 AND id = $3", [tenantId, environment.rawValue, id])
            .map(decode)
    }

    public static func list(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<Schedule> {
        try Paging.fetch(
            tx, "SELECT \(columns) FROM schedules WHERE tenant_id = $1 AND environment = $2", [tenantId, environment.rawValue], after: cursor, limit: limit,
            decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// Replaces what can change; the next slot is worked out again by the caller.
    public static func update(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID, name: String, cron: String, timeZone: String, enabled: Bool,
        nextRunAt: Date?
    ) throws -> Schedule? {
        do {
            return try tx.one(
                """
                UPDATE schedules SET name = $4, cron = $5, time_zone = $6, enabled = $7, next_run_at = $8, updated_at = now()
                WHERE tenant_id = $1 AND environment = $2 AND id = $3 RETURNING \(columns)
                """, [tenantId, environment.rawValue, id, name, cron, timeZone, enabled, nextRunAt]
            ).map(decode)
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw Conflict()
        }
    }

    public static func delete(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Bool {
        !(try tx.query("DELETE FROM schedules WHERE tenant_id = $1 AND environment = $2 AND id = $3 RETURNING id", [tenantId, environment.rawValue, id]))
            .isEmpty
    }

    /// Fires every schedule due at `now` (up to `limit`): its slot's event, and its next slot
    /// (`next` works it out). Returns the events recorded.
    public static func fireDue(
        _ tx: Transaction, tenants: TenantScope, now: Date, limit: Int = 100, next: (Schedule, Date) -> Date?
    ) throws -> Int {
        let due = try tx.query(
            """
            SELECT s.tenant_id, \(joinedColumns)
            FROM schedules s JOIN tenants t ON t.id = s.tenant_id AND t.deleted_at IS NULL AND t.status = 'active'
            WHERE s.enabled AND s.next_run_at <= $1 AND ($2::uuid[] IS NULL OR s.tenant_id = ANY($2))
            ORDER BY s.next_run_at LIMIT $3 FOR UPDATE OF s SKIP LOCKED
            """, [now, tenants.sqlArray, limit])
        var fired = 0
        for row in due {
            let tenantId = try row.uuid("tenant_id")
            let schedule = try decode(row)
            guard let slot = schedule.nextRunAt else { continue }
            if try record(tx, tenantId: tenantId, schedule, slot: slot, key: Timestamp.format(slot), firedAt: now) { fired += 1 }
            _ = try tx.query(
                """
                UPDATE schedules SET next_run_at = $3, last_slot = $4, last_fired_at = $5, fired = fired + 1
                WHERE tenant_id = $1 AND id = $2
                """, [tenantId, schedule.id, next(schedule, now), slot, now])
        }
        return fired
    }

    /// A run asked for now, outside the schedule's slots ("Run now"); the next slot stays.
    public static func runNow(_ tx: Transaction, tenantId: UUID, _ schedule: Schedule, now: Date) throws {
        _ = try record(tx, tenantId: tenantId, schedule, slot: now, key: "manual:\(UUID().lowercasedText)", firedAt: now)
        _ = try tx.query(
            "UPDATE schedules SET last_fired_at = $3, fired = fired + 1 WHERE tenant_id = $1 AND id = $2", [tenantId, schedule.id, now])
    }

    /// The slot's event (once per schedule and key, whatever retries), for the deployed flows.
    private static func record(_ tx: Transaction, tenantId: UUID, _ schedule: Schedule, slot: Date, key: String, firedAt: Date) throws -> Bool {
        var fields: [String: JSONValue] = [
            "id": .string(schedule.id.lowercasedText), "name": .string(schedule.name), "slot": .string(Timestamp.format(slot)),
            "fired_at": .string(Timestamp.format(firedAt)), "time_zone": .string(schedule.timeZone), "cron": .string(schedule.cron),
        ]
        // Where a run that reads "changed since the last run" starts.
        if let previous = schedule.lastSlot { fields["previous_slot"] = .string(Timestamp.format(previous)) }
        let (_, duplicate) = try EventStore.record(
            tx,
            NewEvent(
                tenantId: tenantId, environment: schedule.environment, source: "schedule", vendorEventId: "schedule:\(schedule.id.lowercasedText):\(key)",
                type: schedule.eventType, endpointId: nil, payload: JSONValue.object(["schedule": .object(fields)]).canonicalText),
            firstJob: .eventDispatch)
        if !duplicate, let action = schedule.action { try start(action, tx, tenantId: tenantId, schedule, slot: slot) }
        return !duplicate
    }

    /// The job that does a slot's action, queued with its event (so once per slot, whatever retries).
    private static func start(_ action: ScheduleAction, _ tx: Transaction, tenantId: UUID, _ schedule: Schedule, slot: Date) throws {
        switch action {
        case .collectDueInvoices(let collection):
            // Due by the slot's own day where the tenant is: a 01:00 run in Los Angeles collects what is due that day there.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: schedule.timeZone) ?? TimeZone(identifier: "UTC")!
            let day = calendar.dateComponents([.year, .month, .day], from: slot)
            let dueBy = String(format: "%04d-%02d-%02d", day.year ?? 1970, day.month ?? 1, day.day ?? 1)
            _ = try JobQueue.enqueue(
                tx,
                [
                    NewJob(
                        tenantId: tenantId, environment: schedule.environment, kind: .dueInvoiceCollection,
                        payload: DueInvoiceScan(scheduleId: schedule.id, collection: collection, at: slot, dueBy: dueBy).json.canonicalText, maxAttempts: 10)
                ])
        }
    }

    static func decode(_ row: Row) throws -> Schedule {
        Schedule(
            id: try row.uuid("id"), environment: try row.value("environment"), name: try row.string("name"), eventType: try row.string("event_type"),
            cron: try row.string("cron"), timeZone: try row.string("time_zone"), enabled: try row.bool("enabled"),
            nextRunAt: try row.optionalDate("next_run_at"), lastSlot: try row.optionalDate("last_slot"), lastFiredAt: try row.optionalDate("last_fired_at"),
            fired: try row.int("fired"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            action: row.optionalString("action").flatMap { JSONValue(parsing: $0) }.flatMap { ScheduleAction(json: $0) })
    }
}
