public import Foundation

/// A five-field cron expression (minute, hour, day of month, month, day of week) as croniter (the
/// reference) reads it: `*`, numbers, ranges `a-b` (wrapping round when `a` > `b`: `FRI-MON`),
/// steps `*/n`, `a-b/n` and `a/n`, lists, month and day names (`JAN`, `MON`), 7 for Sunday as
/// well as 0, and the nicknames `@hourly`, `@daily`/`@midnight`, `@weekly`, `@monthly`,
/// `@yearly`/`@annually`. When both day fields restrict the days, a day matches if either does.
/// Where croniter is not what cron means, Clearline keeps to cron: a range whose ends are equal
/// (`5-5`) is that value (croniter: every value), and a wrapping range with a step (`50-10/5`)
/// steps on round the end (croniter wraps at the last value, one short).
public struct CronExpression: Sendable, Equatable {
    public let text: String
    let minutes: [Int]
    let hours: [Int]
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    private static let nicknames = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0", "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    public init(_ text: String) throws {
        self.text = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expanded = Self.nicknames[trimmed.lowercased()] ?? trimmed
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw Invalid(description: "must have five fields (minute hour day-of-month month day-of-week) or be a nickname such as @daily")
        }
        minutes = try Self.field(fields[0], name: "minute", 0...59).sorted()
        hours = try Self.field(fields[1], name: "hour", 0...23).sorted()
        daysOfMonth = try Self.field(fields[2], name: "day of month", 1...31)
        months = try Self.field(fields[3], name: "month", 1...12, names: Self.monthNames, firstName: 1)
        // 7 is Sunday too; read over 0...7, then folded onto 0...6.
        daysOfWeek = Set(try Self.field(fields[4], name: "day of week", 0...7, names: Self.dayNames, firstName: 0, lastForSteps: 6).map { $0 % 7 })
        // A day field that names every day is no restriction, however it is written (`1-31`, `0-7`).
        dayOfMonthRestricted = daysOfMonth.count < 31
        dayOfWeekRestricted = daysOfWeek.count < 7
    }

    /// The values one field allows.
    /// `lastForSteps`: where `*` and `a/n` end, when not at the range's end (Saturday, for the day
    /// of week, whose range takes 7 for Sunday too).
    static func field(
        _ text: String, name: String, _ range: ClosedRange<Int>, names: [String] = [], firstName: Int = 0, lastForSteps: Int? = nil
    ) throws -> Set<Int> {
        let last = lastForSteps ?? range.upperBound
        func value(_ part: Substring) throws -> Int {
            if let number = Int(part), range.contains(number) { return number }
            if let index = names.firstIndex(of: part.uppercased()) { return index + firstName }
            throw Invalid(description: "the \(name) field: \(part) is not a value from \(range.lowerBound) to \(range.upperBound)")
        }
        var values: Set<Int> = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
            guard (1...2).contains(pieces.count), !pieces[0].isEmpty else {
                throw Invalid(description: "the \(name) field: \(item) is not a value, range or step")
            }
            var step = 1
            if pieces.count == 2 {
                guard let given = Int(pieces[1]), given > 0, given <= range.upperBound + 1 else {
                    throw Invalid(description: "the \(name) field: the step in \(item) must be a whole number from 1 to \(range.upperBound + 1)")
                }
                step = given
            }
            let lower: Int, upper: Int
            if pieces[0] == "*" {
                (lower, upper) = (range.lowerBound, last)
            } else if let dash = pieces[0].firstIndex(of: "-") {
                (lower, upper) = (try value(pieces[0][..<dash]), try value(pieces[0][pieces[0].index(after: dash)...]))
            } else {
                lower = try value(pieces[0])
                // `a/n` is a, a+n, ... to the end of the field, as croniter reads it.
                upper = pieces.count == 2 ? max(last, lower) : lower
            }
            // A range that runs past the field's end wraps round (FRI-MON, 22-2), as croniter reads it.
            let span = range.upperBound - range.lowerBound + 1
            let length = (upper - lower + span) % span
            values.formUnion(stride(from: 0, through: length, by: step).map { range.lowerBound + (lower - range.lowerBound + $0) % span })
        }
        return values
    }

    /// Whether a day (its day of month, month and weekday, 0 for Sunday) is one the expression runs on.
    func matches(dayOfMonth: Int, month: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        let byMonthDay = daysOfMonth.contains(dayOfMonth), byWeekday = daysOfWeek.contains(weekday)
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): return byMonthDay || byWeekday
        case (true, false): return byMonthDay
        case (false, true): return byWeekday
        case (false, false): return true
        }
    }

    /// Up to `count` moments after `instant`, each the `next` after the one before.
    public func next(_ count: Int, after instant: Date, in zone: TimeZone) -> [Date] {
        var slots: [Date] = []
        var cursor = instant
        while slots.count < count, let next = next(after: cursor, in: zone) {
            slots.append(next)
            cursor = next
        }
        return slots
    }

    /// The first moment after `instant` (to the minute) the expression names in `zone`; nil when
    /// none in the next eight years (`0 0 30 2 *`). A time a spring-forward skips runs as the
    /// clock reads once it resumes (02:30 at 03:30); a time the fall-back repeats runs once, the
    /// first time round.
    public func next(after instant: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var day = calendar.startOfDay(for: instant)
        for _ in 0..<(366 * 8) {
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            if let year = parts.year, let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday,
                matches(dayOfMonth: dayOfMonth, month: month, weekday: weekday - 1)
            {
                for hour in hours {
                    for minute in minutes {
                        let local = DateComponents(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute)
                        guard var first = calendar.date(from: local) else { continue }
                        // In a repeated hour, the wall-clock time's first occurrence, whichever one
                        // the calendar gave; a second pass never runs.
                        let hourEarlier = first.addingTimeInterval(-3600)
                        let wall = calendar.dateComponents([.day, .hour, .minute], from: hourEarlier)
                        if wall.day == dayOfMonth && wall.hour == hour && wall.minute == minute { first = hourEarlier }
                        if first > instant { return first }
                    }
                }
            }
            guard let following = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = calendar.startOfDay(for: following)
        }
        return nil
    }
}
