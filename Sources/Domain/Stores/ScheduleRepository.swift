public import Foundation

/// A tenant's schedules (see `Schedule`).
public protocol ScheduleRepository {
    /// Throws `ScheduleNameTaken` when the environment has a schedule of that name.
    func create(
        tenantId: UUID, environment: EnvironmentName, name: String, eventType: String, cron: String, timeZone: String, enabled: Bool, nextRunAt: Date?,
        action: ScheduleAction?
    ) throws -> Schedule

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Schedule?

    func list(tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<Schedule>

    /// Throws `ScheduleNameTaken` as `create` does.
    func update(
        tenantId: UUID, environment: EnvironmentName, id: UUID, name: String, cron: String, timeZone: String, enabled: Bool, nextRunAt: Date?
    ) throws -> Schedule?

    func delete(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Bool

    /// Records a run now, outside the slots; the next slot stays.
    func runNow(tenantId: UUID, _ schedule: Schedule, now: Date) throws
}

/// Another schedule of the environment has the name.
public struct ScheduleNameTaken: Error {
    public init() {}
}
