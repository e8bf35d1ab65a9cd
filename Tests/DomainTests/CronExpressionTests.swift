import Foundation
import Testing
@testable import Domain

@Suite("Cron expressions")
struct CronExpressionTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    /// Every firing from `start` to `end`, as RFC 3339 UTC times.
    static func firings(_ expression: String, in zone: TimeZone, from start: String, to end: String) throws -> [String] {
        let cron = try CronExpression(expression)
        var out: [String] = []
        var cursor = at(start)
        while let next = cron.next(after: cursor, in: zone), next <= at(end) {
            out.append(String(Timestamp.format(next).prefix(16)))
            cursor = next
        }
        return out
    }

    @Test func fieldsStepsRangesNamesAndNicknames() throws {
        #expect(
            try Self.firings("*/20 9-10 * * MON-FRI", in: Self.utc, from: "2026-12-04T09:30:00Z", to: "2026-12-07T09:45:00Z") == [
                "2026-12-04T09:40", "2026-12-04T10:00", "2026-12-04T10:20", "2026-12-04T10:40", "2026-12-07T09:00", "2026-12-07T09:20", "2026-12-07T09:40",
            ])
        #expect(
            try Self.firings("@monthly", in: Self.utc, from: "2026-11-15T00:00:00Z", to: "2027-01-01T00:00:00Z") == ["2026-12-01T00:00", "2027-01-01T00:00"])
        #expect(try Self.firings("0 12 29 FEB *", in: Self.utc, from: "2026-01-01T00:00:00Z", to: "2029-01-01T00:00:00Z") == ["2028-02-29T12:00"])
        #expect(
            try Self.firings("15/30 0 1 1 7", in: Self.utc, from: "2026-12-31T23:59:00Z", to: "2027-01-01T01:00:00Z") == [
                "2027-01-01T00:15", "2027-01-01T00:45",
            ])
        // Both day fields restricted: either one (the 1st, or a Sunday).
        #expect(
            try Self.firings("0 0 1 * SUN", in: Self.utc, from: "2026-11-28T00:00:00Z", to: "2026-12-07T00:00:00Z") == [
                "2026-11-29T00:00", "2026-12-01T00:00", "2026-12-06T00:00",
            ])
        #expect(try CronExpression("0 0 30 2 *").next(after: Self.at("2026-01-01T00:00:00Z"), in: Self.utc) == nil)
        // A range past the field's end wraps round; a day field naming every day restricts nothing.
        #expect(
            try Self.firings("0 23-1 * * FRI-SUN", in: Self.utc, from: "2026-12-04T22:00:00Z", to: "2026-12-05T02:00:00Z") == [
                "2026-12-04T23:00", "2026-12-05T00:00", "2026-12-05T01:00",
            ])
        #expect(try Self.firings("0 0 1 * 0-7", in: Self.utc, from: "2026-11-28T00:00:00Z", to: "2026-12-02T00:00:00Z") == ["2026-12-01T00:00"])
    }

    @Test(arguments: [
        "", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *",
        "a * * * *", "1,,2 * * * *", "* * * JANUARY *", "@often", "-1 * * * *", "*/61 * * * *",
    ])
    func malformedExpressionsAreRefusedSayingWhy(_ text: String) {
        #expect(throws: CronExpression.Invalid.self) { try CronExpression(text) }
    }

    /// New York's spring-forward (2026-03-08, 02:00 → 03:00) and fall-back (2026-11-01, 02:00 → 01:00).
    @Test func daylightSavingDaysFireEachSlotOnce() throws {
        // 02:30 does not exist on the spring-forward day: once, as the clock reads 03:30 (07:30 UTC).
        #expect(
            try Self.firings("30 2 * * *", in: Self.newYork, from: "2026-03-07T00:00:00Z", to: "2026-03-10T00:00:00Z") == [
                "2026-03-07T07:30", "2026-03-08T07:30", "2026-03-09T06:30",
            ])
        // 02:30 exists once on the fall-back day (after the repeated hour).
        #expect(
            try Self.firings("30 2 * * *", in: Self.newYork, from: "2026-10-31T00:00:00Z", to: "2026-11-03T00:00:00Z") == [
                "2026-10-31T06:30", "2026-11-01T07:30", "2026-11-02T07:30",
            ])
        // 01:30 comes twice on the fall-back day: it fires the first time round only.
        #expect(
            try Self.firings("30 1 * * *", in: Self.newYork, from: "2026-10-31T12:00:00Z", to: "2026-11-02T12:00:00Z") == [
                "2026-11-01T05:30", "2026-11-02T06:30",
            ])
        // Every 15 minutes through the repeated hour: each wall-clock slot once.
        let repeated = try Self.firings("*/15 1 * * *", in: Self.newYork, from: "2026-11-01T04:00:00Z", to: "2026-11-01T07:00:00Z")
        #expect(repeated == ["2026-11-01T05:00", "2026-11-01T05:15", "2026-11-01T05:30", "2026-11-01T05:45"])
    }
}
