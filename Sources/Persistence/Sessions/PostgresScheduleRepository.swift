import Foundation
import Domain

/// `ScheduleRepository` over `ScheduleStore`, in the session's transaction.
struct PostgresScheduleRepository: ScheduleRepository {
    let tx: Transaction

    func create(
        tenantId: UUID, environment: EnvironmentName, name: String, eventType: String, cron: String, timeZone: String, enabled: Bool, nextRunAt: Date?,
        action: ScheduleAction?
    ) throws -> Schedule {
        do {
            return try ScheduleStore.create(
                tx, tenantId: tenantId, environment: environment, name: name, eventType: eventType, cron: cron, timeZone: timeZone, enabled: enabled,
                nextRunAt: nextRunAt, action: action)
        } catch is ScheduleStore.Conflict {
            throw ScheduleNameTaken()
        }
    }

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Schedule? {
        try ScheduleStore.get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func list(tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<Schedule> {
        try ScheduleStore.list(tx, tenantId: tenantId, environment: environment, after: cursor, limit: limit)
    }

    func update(
        tenantId: UUID, environment: EnvironmentName, id: UUID, name: String, cron: String, timeZone: String, enabled: Bool, nextRunAt: Date?
    ) throws -> Schedule? {
        do {
            return try ScheduleStore.update(
                tx, tenantId: tenantId, environment: environment, id: id, name: name, cron: cron, timeZone: timeZone, enabled: enabled, nextRunAt: nextRunAt)
        } catch is ScheduleStore.Conflict {
            throw ScheduleNameTaken()
        }
    }

    func delete(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Bool {
        try ScheduleStore.delete(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func runNow(tenantId: UUID, _ schedule: Schedule, now: Date) throws {
        try ScheduleStore.runNow(tx, tenantId: tenantId, schedule, now: now)
    }
}
