public import Foundation

/// Whether a due invoice is charged now, given the requests collections made for it before: once
/// at first; after a decline (or a charge PayTrace refused), again on each retry day counted from
/// the first attempt; after the last retry, never again (it is reported instead). An invoice with
/// a request still under way is left alone.
public enum InvoiceDunning {
    public enum Decision: Equatable, Sendable {
        case leave
        case charge(attempt: Int)
        case exhausted(attempts: Int)
    }

    /// One earlier request for the invoice.
    public struct Attempt: Sendable, Equatable {
        public let number: Int
        public let collectedAt: Date
        /// Not declined or failed: pending, under way, or approved.
        public let live: Bool

        public init(number: Int, collectedAt: Date, live: Bool) {
            self.number = number
            self.collectedAt = collectedAt
            self.live = live
        }
    }

    public static func decide(_ attempts: [Attempt], retryDays: [Int], at now: Date) -> Decision {
        if attempts.contains(where: \.live) { return .leave }
        guard let last = attempts.map(\.number).max(), let first = attempts.map(\.collectedAt).min() else { return .charge(attempt: 1) }
        guard last <= retryDays.count else { return .exhausted(attempts: last) }
        let due = first.addingTimeInterval(Double(retryDays[last - 1]) * 86_400)
        return now >= due ? .charge(attempt: last + 1) : .leave
    }
}
