import Foundation
import Testing

@testable import Sandbox

/// Books' days and timestamps are written without DateFormatter; they must read as the
/// formatter wrote them (UTC, US POSIX), since clients compare and parse them.
@Suite("Zoho Books emulator: days and timestamps as DateFormatter wrote them")
struct ZohoBooksDatesTests {
    static func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter
    }

    @Test func timestampsAndDueDatesMatchTheFormatter() {
        let stamp = Self.formatter("yyyy-MM-dd'T'HH:mm:ssZ")
        let day = Self.formatter("yyyy-MM-dd")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator))
            #expect(ZohoBooksEmulator.timestamp(date) == stamp.string(from: date))
            let text = day.string(from: date)
            let terms = Int.random(in: 0...400, using: &generator)
            #expect(
                ZohoBooksEmulator.dueDate(text, terms: terms) == day.string(from: day.date(from: text)!.addingTimeInterval(Double(terms) * 86_400)))
        }
        // Around midnight the day may turn between the two readings.
        let before = day.string(from: Date())
        let today = ZohoBooksEmulator.today()
        #expect([before, day.string(from: Date())].contains(today))
        // Not a day as Books writes one: read as the formatter reads it, or left as it was.
        #expect(ZohoBooksEmulator.dueDate("next week", terms: 30) == "next week")
        #expect(ZohoBooksEmulator.dueDate("2026-02-03", terms: "15") == "2026-02-18")
    }
}
