public import Foundation

/// RFC 3339 timestamps in UTC with microseconds, the precision PostgreSQL keeps.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(27)
        append(date, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `date` as `format` writes it, appended to `out`: every timestamp in a response.
    public static func append(_ date: Date, to out: inout [UInt8]) {
        // Written into a buffer on the stack, then appended at once: writing into `out` in place
        // (a uniqueness and bounds check a digit) took about 800 instructions (callgrind).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { text in
            write(date, into: text.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(text))
        }
    }

    /// The bytes `format` writes: always this many.
    public static let length = 27

    /// `date` as `format` writes it, into the `length` bytes at `text` (the access log writes
    /// one a line, straight into the line).
    public static func write(_ date: Date, into text: UnsafeMutablePointer<UInt8>) {
        let totalMicros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = totalMicros / 1_000_000
        var micros = totalMicros % 1_000_000
        if micros < 0 { micros += 1_000_000; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = civil(fromDays: days)
        func put(_ value: Int64, at offset: Int, width: Int) {
            var v = value
            var i = offset + width - 1
            while i >= offset {
                text[i] = UInt8(48 + v % 10)
                v /= 10
                i -= 1
            }
        }
        put(year, at: 0, width: 4); text[4] = 45
        put(month, at: 5, width: 2); text[7] = 45
        put(day, at: 8, width: 2); text[10] = 84
        put(secondOfDay / 3600, at: 11, width: 2); text[13] = 58
        put(secondOfDay / 60 % 60, at: 14, width: 2); text[16] = 58
        put(secondOfDay % 60, at: 17, width: 2); text[19] = 46
        put(micros, at: 20, width: 6); text[26] = 90
    }

    /// Year, month and day of a count of days since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The UTC day of `date`, written `YYYY-MM-DD`.
    public static func dayText(_ date: Date) -> String { String(format(date).prefix(10)) }

    /// A day written `YYYY-MM-DD` (nothing more), as its midnight UTC; nil for anything else.
    public static func day(_ text: String) -> Date? {
        text.utf8.count == 10 ? parse(text + "T00:00:00Z") : nil
    }

    /// Parses `YYYY-MM-DD[T ]HH:MM:SS[.ffffff](Z|±HH[:MM])`, the shapes RFC 3339 and PostgreSQL's ISO output use.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8(parse)
    }

    /// The same over UTF-8 bytes, in place (a column's value as libpq holds it). A field out of
    /// its month's range (the 31st of April, a leap second) carries over as timegm carries it:
    /// copying the text into an array and calling timegm took about 1,900 instructions a parse
    /// (callgrind), and every row of a list holds a few timestamps.
    public static func parse(_ c: UnsafeBufferPointer<UInt8>) -> Date? {
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
            if i < c.count, c[i] == 58 { guard let m = number(i + 1, 2) else { return nil }; om = m; i += 3 } else if let m = number(i, 2) { om = m; i += 2 }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        let epoch = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(epoch - offsetSeconds) + fraction)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil), the
    /// inverse of `civil(fromDays:)`; a day past its month's end counts on into the next month.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
