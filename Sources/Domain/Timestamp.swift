public import Foundation

/// RFC 3339 timestamps in UTC with microseconds, the precision PostgreSQL keeps.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let seconds = Int64((totalMicros / 1_000_000).rounded(.down))
        let micros = Int64(totalMicros) - seconds * 1_000_000
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }

    /// Parses `YYYY-MM-DD[T ]HH:MM:SS[.ffffff](Z|±HH[:MM])`, the shapes RFC 3339 and PostgreSQL's ISO output use.
    public static func parse(_ text: String) -> Date? {
        let c = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= c.count else { return nil }
            var n = 0
            for i in from..<(from + count) {
                guard (48...57).contains(c[i]) else { return nil }
                n = n * 10 + Int(c[i] - 48)
            }
            return n
        }
        guard c.count >= 19, let year = number(0, 4), c[4] == 45, let month = number(5, 2), c[7] == 45,
              let day = number(8, 2), c[10] == 84 || c[10] == 116 || c[10] == 32,
              let hour = number(11, 2), c[13] == 58, let minute = number(14, 2), c[16] == 58,
              let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < c.count, c[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < c.count, (48...57).contains(c[i]) {
                fraction += Double(c[i] - 48) * scale
                scale /= 10
                i += 1
            }
            if i == start { return nil }
        }
        var offsetSeconds = 0
        if i < c.count, c[i] == 90 || c[i] == 122 {
            i += 1
        } else if i < c.count, c[i] == 43 || c[i] == 45 {
            let sign = c[i] == 43 ? 1 : -1
            guard let oh = number(i + 1, 2) else { return nil }
            i += 3
            var om = 0
            if i < c.count, c[i] == 58 { guard let m = number(i + 1, 2) else { return nil }; om = m; i += 3 }
            else if let m = number(i, 2) { om = m; i += 2 }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        return Date(timeIntervalSince1970: Double(epoch - offsetSeconds) + fraction)
    }
}
