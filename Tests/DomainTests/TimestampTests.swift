import Foundation
import Testing
import Domain

@Suite("RFC 3339 timestamps")
struct TimestampTests {
    @Test func formatIsUTCWithMicroseconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_700_000_000.123456)) == "2023-11-14T22:13:20.123456Z")
    }

    @Test(arguments: [
        "2026-11-22 05:40:04.123456+00", "2026-11-22T05:40:04.123456Z", "2026-11-22T06:40:04.123456+01:00",
        "2026-11-22T00:10:04.123456-0530",
    ])
    func parsesPostgresAndRFC3339Shapes(_ text: String) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(Timestamp.format(date) == "2026-11-22T05:40:04.123456Z")
    }

    @Test(arguments: [
        "", "2026-11-22", "2026-13-01T00:00:00Z", "2026-11-22T05:40:04", "2026-11-22T05:40:04.Z", "x026-11-22T05:40:04Z",
        "2026-11-22T05:40:04Zjunk",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func roundTripsRandomInstants() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let micros = Int64.random(in: 0...4_102_444_800_000_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            let text = Timestamp.format(date)
            #expect(Timestamp.parse(text).map(Timestamp.format) == text)
        }
    }

    /// Every field in range, also days past their month's end and leap seconds, against libc's
    /// timegm, which the parse used before it counted days itself.
    @Test func countsDaysAsTimegmDoes() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<5000 {
            let year = round < 100 ? [1, 4, 100, 400, 1900, 1969, 1970, 2000, 2024, 9999][round % 10] : Int.random(in: 1...9999, using: &generator)
            let month = Int.random(in: 1...12, using: &generator), day = Int.random(in: 1...31, using: &generator)
            let hour = Int.random(in: 0...23, using: &generator), minute = Int.random(in: 0...59, using: &generator)
            let second = Int.random(in: 0...60, using: &generator)
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let text = "\(String(repeating: "0", count: 4 - String(year).count))\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))Z"
            var parts = tm()
            parts.tm_year = Int32(year - 1900)
            parts.tm_mon = Int32(month - 1)
            parts.tm_mday = Int32(day)
            parts.tm_hour = Int32(hour)
            parts.tm_min = Int32(minute)
            parts.tm_sec = Int32(second)
            let expected = Date(timeIntervalSince1970: Double(timegm(&parts)))
            #expect(try #require(Timestamp.parse(text)) == expected, "\(text)")
        }
    }
}
