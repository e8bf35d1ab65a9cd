public import Foundation

/// A tenant's schedule: a cron expression in a time zone, each slot of which records one event
/// (`eventType`, source `schedule`) for the flows deployed in its environment.
public struct Schedule: Sendable, Equatable {
    public let id: UUID
    public let environment: EnvironmentName
    public let name: String
    public let eventType: String
    public let cron: String
    public let timeZone: String
    public let enabled: Bool
    /// What each slot does besides recording its event; nil: the event only.
    public let action: ScheduleAction?
    /// The next slot; nil when disabled (or the expression names no further time).
    public let nextRunAt: Date?
    /// The slot fired last, and when.
    public let lastSlot: Date?
    public let lastFiredAt: Date?
    /// Slots fired so far.
    public let fired: Int
    public let createdAt: Date
    public let updatedAt: Date

    public init(
        id: UUID, environment: EnvironmentName, name: String, eventType: String, cron: String, timeZone: String, enabled: Bool, nextRunAt: Date?,
        lastSlot: Date?, lastFiredAt: Date?, fired: Int, createdAt: Date, updatedAt: Date, action: ScheduleAction? = nil
    ) {
        self.id = id
        self.environment = environment
        self.name = name
        self.eventType = eventType
        self.cron = cron
        self.timeZone = timeZone
        self.enabled = enabled
        self.action = action
        self.nextRunAt = nextRunAt
        self.lastSlot = lastSlot
        self.lastFiredAt = lastFiredAt
        self.fired = fired
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The slot after `instant` for `cron` in `timeZone`; nil when either does not read.
    public static func nextSlot(cron: String, timeZone: String, after instant: Date) -> Date? {
        slots(cron: cron, timeZone: timeZone, after: instant, count: 1).first
    }

    /// Up to `count` slots after `instant`, the expression read once; none when it does not read.
    public static func slots(cron: String, timeZone: String, after instant: Date, count: Int) -> [Date] {
        guard let zone = TimeZone(identifier: timeZone), let expression = try? CronExpression(cron) else { return [] }
        return expression.next(count, after: instant, in: zone)
    }

    /// An event type for a schedule's name: `schedule.` and the name in lower case, words joined by `_`.
    public static func eventType(forName name: String) -> String {
        let words = name.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : " " }
        let joined = String(words).split(separator: " ").joined(separator: "_")
        return "schedule." + String((joined.isEmpty ? "run" : joined).prefix(60))
    }
}
