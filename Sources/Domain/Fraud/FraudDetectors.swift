public import Foundation

/// Explainable detectors over one tenant's PayTrace transactions. Each looks at a new
/// observation against what came before it (`history`: the same environment's recent
/// observations, oldest first) and, when it speaks, says why in plain words and names the
/// transactions that are its evidence. A score without a reason is not an alert.
public enum FraudDetectors {
    public struct Finding: Sendable, Equatable {
        /// Which detector: `card_testing`, `duplicate_charge`, `unusual_amount`.
        public let detector: String
        /// What the finding is about (a customer or a card): one incident per detector and cause.
        public let cause: String
        public let severity: String
        public let explanation: String
        public let evidence: [Int]
    }

    /// The thresholds a tenant may change; the defaults are the issue's examples.
    public struct Settings: Sendable, Equatable {
        /// Card testing: at least this many sales or authorizations of at most `smallAmount` from one
        /// customer or card within `testingWindow`, most of them declined.
        public var testingAttempts = 10
        public var smallAmount = Decimal(5)
        public var testingWindow: TimeInterval = 600
        public var testingDeclineShare = 0.6
        /// Duplicate charge: the same customer charged the same amount twice within this.
        public var duplicateWindow: TimeInterval = 600
        /// Unusual amount: at least this many approved sales of the customer before it speaks, and
        /// an amount this many median absolute deviations above their median (and 3 times it).
        public var amountHistory = 5
        public var amountDeviations = Decimal(10)

        public init() {}
    }

    /// How far back the detectors look.
    public static let lookback: TimeInterval = 180 * 86_400

    public static func findings(for new: PaymentObservation, history: [PaymentObservation], settings: Settings = Settings()) -> [Finding] {
        [cardTesting(new, history, settings), duplicate(new, history, settings), unusualAmount(new, history, settings)].compactMap { $0 }
    }

    /// A burst of small attempts, mostly declined, on one customer or one card.
    static func cardTesting(_ new: PaymentObservation, _ history: [PaymentObservation], _ settings: Settings) -> Finding? {
        guard new.kind == .sale || new.kind == .authorization, new.amount <= settings.smallAmount else { return nil }
        // Grouped by customer; attempts keyed in with no customer (how card testers usually come) group together.
        // Not by card: PayTrace shows only the last four digits, which many cards share.
        let burst =
            history.filter {
                ($0.kind == .sale || $0.kind == .authorization) && $0.amount <= settings.smallAmount && $0.customerId == new.customerId
                    && abs(new.at.timeIntervalSince($0.at)) <= settings.testingWindow
            } + [new]
        let declined = burst.filter(\.declined).count
        // The burst's alert is raised once, when it reaches the threshold; later attempts join the same incident.
        guard burst.count >= settings.testingAttempts, Double(declined) / Double(burst.count) >= settings.testingDeclineShare else { return nil }
        let who = new.customerId.map { "customer \($0)" } ?? "keyed-in cards (no customer)"
        return Finding(
            detector: "card_testing", cause: "customer:\(new.customerId ?? "(none)")", severity: "critical",
            explanation: "\(burst.count) attempts of at most \(dollars(settings.smallAmount)) USD by \(who) within "
                + "\(Int(settings.testingWindow / 60)) minutes, \(declined) of them declined: a card-testing pattern.",
            evidence: burst.map(\.transactionId))
    }

    /// The same customer charged the same amount again within minutes: a possible duplicate payment.
    static func duplicate(_ new: PaymentObservation, _ history: [PaymentObservation], _ settings: Settings) -> Finding? {
        guard new.kind == .sale, !new.declined, let customer = new.customerId else { return nil }
        guard
            let earlier = history.last(where: {
                $0.kind == .sale && !$0.declined && $0.customerId == customer && $0.amount == new.amount && $0.transactionId != new.transactionId
                    && abs(new.at.timeIntervalSince($0.at)) <= settings.duplicateWindow
            })
        else { return nil }
        let minutes = max(1, Int((abs(new.at.timeIntervalSince(earlier.at)) / 60).rounded(.up)))
        return Finding(
            detector: "duplicate_charge", cause: "customer:\(customer):\(dollars(new.amount))", severity: "warning",
            explanation: "Customer \(customer) was charged \(dollars(new.amount)) USD twice within \(minutes) minute\(minutes == 1 ? "" : "s") "
                + "(transactions \(earlier.transactionId) and \(new.transactionId)): possibly a duplicate payment.",
            evidence: [earlier.transactionId, new.transactionId])
    }

    /// An amount far above what this customer usually spends: a robust outlier (median absolute
    /// deviation), silent until the customer has enough history.
    static func unusualAmount(_ new: PaymentObservation, _ history: [PaymentObservation], _ settings: Settings) -> Finding? {
        guard new.kind == .sale, !new.declined, let customer = new.customerId else { return nil }
        let past = history.filter { $0.kind == .sale && !$0.declined && $0.customerId == customer && $0.transactionId != new.transactionId }
        guard past.count >= settings.amountHistory else { return nil }
        let amounts = past.map(\.amount)
        let median = Self.median(amounts)
        // A floor under the deviation: a customer who always pays exactly 50.00 has a MAD of 0.
        let deviation = max(Self.median(amounts.map { abs($0 - median) }), median / 20, Decimal(1))
        let limit = median + settings.amountDeviations * deviation
        // Above their robust range, three times their median, and more than they ever paid before.
        guard new.amount > limit, new.amount > median * 3, new.amount > (amounts.max() ?? 0) else { return nil }
        return Finding(
            detector: "unusual_amount", cause: "customer:\(customer)", severity: "warning",
            explanation: "Customer \(customer) was charged \(dollars(new.amount)) USD; their \(past.count) earlier charges have a median of "
                + "\(dollars(median)) USD, and anything above \(dollars(limit)) USD is unusual for them.",
            evidence: [new.transactionId])
    }

    static func median(_ values: [Decimal]) -> Decimal {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Dollars with their cents, as people read them: 84.20, not 84.2.
    static func dollars(_ value: Decimal) -> String {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, 2, .plain)
        return Money(amount: output, currency: "USD")?.formatted ?? "\(output)"
    }
}
