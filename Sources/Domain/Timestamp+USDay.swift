import Foundation

/// PayTrace's and Sage Pro's days are written the US way, MM/DD/YYYY (PayTrace adds a time after
/// a space); Clearline keeps yyyy-MM-dd. One reading and one writing of that form for every
/// connector, the sandbox, the agent and the engine.
extension Timestamp {
    /// `yyyy-MM-dd` of "M/D/YYYY", with or without a time after it; nil for anything else.
    public static func isoDay(fromUS text: String) -> String? {
        let parts = text.split(separator: " ").first?.split(separator: "/").compactMap { Int($0) } ?? []
        guard parts.count == 3, (1...12).contains(parts[0]), (1...31).contains(parts[1]), (1000...9999).contains(parts[2]) else { return nil }
        return String(format: "%04d-%02d-%02d", parts[2], parts[0], parts[1])
    }

    /// "MM/DD/YYYY" of a `yyyy-MM-dd` day; nil for anything else.
    public static func usDay(_ isoDay: String) -> String? {
        guard day(isoDay) != nil else { return nil }
        let parts = isoDay.split(separator: "-")
        return "\(parts[1])/\(parts[2])/\(parts[0])"
    }
}
