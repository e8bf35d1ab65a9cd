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
}
