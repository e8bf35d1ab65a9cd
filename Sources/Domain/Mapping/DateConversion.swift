import Foundation

/// Converts timestamps between the vendors' formats: PayTrace's `M/D/YYYY h:mm:ss AM` (no zone:
/// the merchant's), ISO 8601, Zoho's `yyyy-MM-dd` and `yyyy-MM-dd HH:mm:ss`, Sage Pro's
/// `MM/DD/YYYY`, Unix seconds. Parsed by hand: exact, and free of formatter state shared
/// between threads.
public struct DateConversion: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        case paytrace, paytraceDate = "paytrace_date", iso8601, zohoDate = "zoho_date", zohoDateTime = "zoho_datetime"
        case sageDate = "sage_date", unix
    }

    public let from: Format
    public let to: Format
    /// Zone of inputs that carry none (PayTrace's, Zoho's).
    public let zone: String
    /// Zone the output is written in.
    public let toZone: String

    /// Nil when a zone is not a known time zone identifier.
    public init?(from: Format, to: Format, zone: String = "UTC", toZone: String? = nil) {
        guard TimeZone(identifier: zone) != nil, TimeZone(identifier: toZone ?? zone) != nil else { return nil }
        self.from = from
        self.to = to
        self.zone = zone
        self.toZone = toZone ?? zone
    }

    func apply(_ text: String) throws(MappingTransform.Failure) -> String {
        guard let instant = Self.parse(text.trimmingInlineWhitespace, from, zone: TimeZone(identifier: zone)!) else {
            throw MappingTransform.Failure("\"\(text.prefix(40))\" is not a \(from.rawValue) date")
        }
        return Self.format(instant, to, zone: TimeZone(identifier: toZone)!)
    }

    static let utc = TimeZone(identifier: "UTC")!

    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    static func parse(_ text: String, _ format: Format, zone: TimeZone) -> Date? {
        var scanner = DigitScanner(text)
        var parts = DateComponents()
        var zoneOverride: TimeZone?
        switch format {
        case .unix:
            guard let seconds = MappingValues.parseDecimal(text), Swift.abs(seconds) < 1e11 else { return nil }
            return Date(timeIntervalSince1970: Double(truncating: NSDecimalNumber(decimal: seconds)))
        case .paytrace, .paytraceDate, .sageDate:
            guard let month = scanner.number(1...2), scanner.take("/"), let day = scanner.number(1...2), scanner.take("/"),
                let year = scanner.number(4...4)
            else { return nil }
            (parts.year, parts.month, parts.day) = (year, month, day)
            if format == .paytrace {
                guard scanner.take(" "), var hour = scanner.number(1...2), scanner.take(":"), let minute = scanner.number(2...2),
                    scanner.take(":"), let second = scanner.number(2...2), scanner.take(" ")
                else { return nil }
                let meridiem = scanner.rest.uppercased()
                guard (1...12).contains(hour), meridiem == "AM" || meridiem == "PM" else { return nil }
                scanner.skipRest()
                if hour == 12 { hour = 0 }
                if meridiem == "PM" { hour += 12 }
                (parts.hour, parts.minute, parts.second) = (hour, minute, second)
            }
        case .zohoDate, .zohoDateTime, .iso8601:
            guard let year = scanner.number(4...4), scanner.take("-"), let month = scanner.number(2...2), scanner.take("-"),
                let day = scanner.number(2...2)
            else { return nil }
            (parts.year, parts.month, parts.day) = (year, month, day)
            if format == .zohoDateTime || (format == .iso8601 && !scanner.atEnd) {
                guard scanner.take(format == .zohoDateTime ? " " : "T"), let hour = scanner.number(2...2), scanner.take(":"),
                    let minute = scanner.number(2...2), scanner.take(":"), let second = scanner.number(2...2)
                else { return nil }
                (parts.hour, parts.minute, parts.second) = (hour, minute, second)
                if format == .iso8601 {
                    if scanner.take("."), scanner.number(1...9) == nil { return nil }
                    if scanner.take("Z") {
                        zoneOverride = TimeZone(identifier: "UTC")
                    } else if let sign = scanner.sign() {
                        guard let hours = scanner.number(2...2), scanner.take(":"), let minutes = scanner.number(2...2),
                            hours < 24, minutes < 60
                        else { return nil }
                        zoneOverride = TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60))
                    }
                }
            }
        }
        guard scanner.atEnd, let month = parts.month, (1...12).contains(month), let day = parts.day, (1...31).contains(day),
            (parts.hour ?? 0) < 24, (parts.minute ?? 0) < 60, (parts.second ?? 0) < 60
        else { return nil }
        let calendar = calendar(zoneOverride ?? zone)
        guard let date = calendar.date(from: parts), calendar.component(.day, from: date) == day else { return nil }
        return date
    }

    static func format(_ date: Date, _ format: Format, zone: TimeZone) -> String {
        let c = calendar(zone).dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let (year, month, day, hour, minute, second) = (c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        func four(_ n: Int) -> String { String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n) }
        switch format {
        case .unix: return String(Int64(date.timeIntervalSince1970.rounded(.down)))
        case .paytrace:
            let twelve = hour % 12 == 0 ? 12 : hour % 12
            return "\(month)/\(day)/\(four(year)) \(twelve):\(two(minute)):\(two(second)) \(hour < 12 ? "AM" : "PM")"
        case .paytraceDate, .sageDate: return "\(two(month))/\(two(day))/\(four(year))"
        case .zohoDate: return "\(four(year))-\(two(month))-\(two(day))"
        case .zohoDateTime: return "\(four(year))-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))"
        case .iso8601:
            let offset = zone.secondsFromGMT(for: date)
            let suffix = offset == 0 ? "Z" : "\(offset < 0 ? "-" : "+")\(two(Swift.abs(offset) / 3600)):\(two(Swift.abs(offset) % 3600 / 60))"
            return "\(four(year))-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))\(suffix)"
        }
    }
}

/// Reads a date's digits and separators left to right.
struct DigitScanner {
    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var atEnd: Bool { position == bytes.count }
    var rest: String { String(decoding: bytes[position...], as: UTF8.self) }
    mutating func skipRest() { position = bytes.count }

    mutating func take(_ character: Character) -> Bool {
        guard position < bytes.count, let ascii = character.asciiValue, bytes[position] == ascii else { return false }
        position += 1
        return true
    }

    /// +1 or -1 after consuming a sign, nil when there is none.
    mutating func sign() -> Int? {
        if take("+") { return 1 }
        if take("-") { return -1 }
        return nil
    }

    /// A run of digits whose length is in `lengths`.
    mutating func number(_ lengths: ClosedRange<Int>) -> Int? {
        var value = 0, count = 0
        while position < bytes.count, (48...57).contains(bytes[position]), count < lengths.upperBound {
            value = value * 10 + Int(bytes[position] - 48)
            position += 1
            count += 1
        }
        return lengths.contains(count) ? value : nil
    }
}
