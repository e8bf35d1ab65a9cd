public import Foundation

/// The position after the last item of a page: lists are ordered by (created_at, id), so the
/// pair is a stable key even while rows are being added. Opaque to clients, and written
/// `<microseconds since 1970>-<id as 32 hex digits>` so that openapi.yaml can give its exact
/// shape: every text of that shape is a cursor the API accepts.
public struct PageCursor: Sendable, Equatable {
    public var createdAt: Date
    public var id: UUID

    public init(createdAt: Date, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }

    public static let defaultLimit = 50
    public static let maxLimit = 200

    public func encode() -> String {
        "\(Self.micros(createdAt))-\(id.uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
    }

    public static func decode(_ token: String) -> PageCursor? {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = date(micros: parts[0]), parts[1].utf8.count == 32,
            parts[1].utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { return nil }
        let hex = Array(parts[1])
        let dashed = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
        return UUID(uuidString: dashed).map { PageCursor(createdAt: date, id: $0) }
    }

    /// Microseconds since 1970, PostgreSQL's precision, as a cursor writes a time.
    public static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    /// The time a cursor wrote: 1 to 16 digits (up to the year 2286), nothing else.
    public static func date<Text: StringProtocol>(micros text: Text) -> Date? {
        number(text, maxDigits: 16).map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }
    }

    /// A cursor's number: 1 to `maxDigits` ASCII digits and nothing else (no sign, no spaces,
    /// which Int64's own parsing would take), as openapi.yaml's cursor patterns say.
    public static func number<Text: StringProtocol>(_ text: Text, maxDigits: Int) -> Int64? {
        guard (1...maxDigits).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int64(text)
    }
}

/// One page of a list and where the next one starts.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: PageCursor?

    public init(items: [Item], nextCursor: PageCursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
