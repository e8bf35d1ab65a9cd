public import Foundation

/// Open alerts of one cause, seen as one incident: a connection's breaker, a settlement's drift,
/// the same failure killing many jobs (their messages alike but for ids and numbers), or the
/// chargebacks waiting for a decision.
public struct AlertIncident: Sendable, Equatable {
    /// 32 hex digits, stable while the cause is: what acknowledging the incident names.
    public let key: String
    public let kind: String
    /// The latest alert's message.
    public let summary: String
    public let count: Int
    public let firstRaisedAt: Date
    public let lastRaisedAt: Date

    public init(key: String, kind: String, summary: String, count: Int, firstRaisedAt: Date, lastRaisedAt: Date) {
        self.key = key
        self.kind = kind
        self.summary = summary
        self.count = count
        self.firstRaisedAt = firstRaisedAt
        self.lastRaisedAt = lastRaisedAt
    }

    public static func isValidKey(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
