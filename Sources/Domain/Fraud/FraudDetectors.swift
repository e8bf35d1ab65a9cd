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

    /// How far back the detectors look.
    public static let lookback: TimeInterval = 180 * 86_400

    public typealias Settings = FraudSettings

    /// What the enabled detectors find in `new`.
    public static func findings(for new: PaymentObservation, history: [PaymentObservation], settings: Settings = Settings()) -> [Finding] {
        let testing = settings.enabled("card_testing") ? cardTesting(new, history, settings) : nil
        return [
            testing,
            settings.enabled("duplicate_charge") ? duplicate(new, history, settings) : nil,
            settings.enabled("unusual_amount") ? unusualAmount(new, history, settings) : nil,
            // A card-testing burst is many charges too; it is told once, as what it is.
            testing == nil && settings.enabled("velocity") ? velocity(new, history, settings) : nil,
        ].compactMap { $0 }
    }

    /// Too many charges on one customer within an hour, whatever their amounts and outcomes.
    /// Transactions may be judged out of their order (polling, retries), so every hour that
    /// holds `new` counts, not only the hour before it.
    static func velocity(_ new: PaymentObservation, _ history: [PaymentObservation], _ settings: Settings) -> Finding? {
        guard new.kind == .sale || new.kind == .authorization, let customer = new.customerId else { return nil }
        let hour: TimeInterval = 3_600
        let near =
            (history.filter {
                ($0.kind == .sale || $0.kind == .authorization) && $0.customerId == customer && $0.transactionId != new.transactionId
                    && abs(new.at.timeIntervalSince($0.at)) < hour
            } + [new]).sorted { $0.at < $1.at }
        // The fullest hour that starts at one of these charges and still holds `new`.
        var fullest: ArraySlice<PaymentObservation> = []
        for (index, first) in near.enumerated() where first.at <= new.at {
            let window = near[index...].prefix { $0.at.timeIntervalSince(first.at) < hour }
            if window.last.map({ $0.at >= new.at }) == true, window.count > fullest.count { fullest = window }
        }
        // Raised when an hour reaches the limit; later charges of it join the same incident.
        guard fullest.count >= settings.velocityPerHour else { return nil }
        return Finding(
            detector: "velocity", cause: "customer:\(customer)", severity: "warning",
            explanation: "Customer \(customer) was charged \(fullest.count) times within an hour (the limit is \(settings.velocityPerHour)).",
            evidence: fullest.map(\.transactionId))
    }

    /// A burst of small attempts, mostly declined, on one customer (attempts keyed in with no
    /// customer, how card testers usually come, group together).
    static func cardTesting(_ new: PaymentObservation, _ history: [PaymentObservation], _ settings: Settings) -> Finding? {
        let who = new.customerId.map { "customer \($0)" } ?? "keyed-in cards (no customer)"
        return cardTesting(new, history.filter { $0.customerId == new.customerId }, settings, cause: "customer:\(new.customerId ?? "(none)")", who: who)
    }

    /// The same over one card range (`bin`, the first six digits), whoever the customers: a tester
    /// running through numbers of one BIN across made-up customers. `attempts`: that BIN's.
    public static func cardTesting(byBin new: PaymentObservation, attempts: [PaymentObservation], settings: Settings = Settings()) -> Finding? {
        guard settings.enabled("card_testing"), let bin = new.bin else { return nil }
        return cardTesting(new, attempts.filter { $0.bin == bin }, settings, cause: "bin:\(bin)", who: "cards of BIN \(bin) (any customer)")
    }

    /// `group`: the earlier attempts that count with `new` (one customer's, or one BIN's).
    static func cardTesting(_ new: PaymentObservation, _ group: [PaymentObservation], _ settings: Settings, cause: String, who: String) -> Finding? {
        guard new.kind == .sale || new.kind == .authorization, new.amount <= settings.smallAmount else { return nil }
        let burst =
            group.filter {
                ($0.kind == .sale || $0.kind == .authorization) && $0.amount <= settings.smallAmount && $0.transactionId != new.transactionId
                    && abs(new.at.timeIntervalSince($0.at)) <= settings.testingWindow
            } + [new]
        let declined = burst.filter(\.declined).count
        // The burst's alert is raised once, when it reaches the threshold; later attempts join the same incident.
        guard burst.count >= settings.testingAttempts, Double(declined) / Double(burst.count) >= settings.testingDeclineShare else { return nil }
        return Finding(
            detector: "card_testing", cause: cause, severity: "critical",
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

    /// What a merchant-level judgement needs: the environment's approved sales over the
    /// `merchantWindow` before the charge, and the amount 99% of them stay under.
    public struct MerchantAmounts: Sendable {
        public let sales: Int
        public let percentile99: Decimal

        public init(sales: Int, percentile99: Decimal) {
            self.sales = sales
            self.percentile99 = percentile99
        }
    }

    public static let merchantWindow: TimeInterval = 28 * 86_400
    /// Approved sales in the window before the merchant-level judgement speaks.
    public static let merchantMinimumSales = 200

    /// Whether `new` is a charge the per-customer judgement cannot weigh (a customer with too
    /// little history, or none named) and so the merchant's amounts are asked for.
    public static func needsMerchantAmounts(_ new: PaymentObservation, customerCharges: Int, settings: Settings = Settings()) -> Bool {
        settings.enabled("unusual_amount") && new.kind == .sale && !new.declined && customerCharges < settings.amountHistory
    }

    /// A charge far above what this merchant's customers pay (three times the 99th percentile of
    /// its approved sales over 28 days), for a customer too new to judge against their own.
    public static func unusualForMerchant(_ new: PaymentObservation, customerCharges: Int, merchant: MerchantAmounts, settings: Settings = Settings())
        -> Finding?
    {
        guard needsMerchantAmounts(new, customerCharges: customerCharges, settings: settings), merchant.sales >= merchantMinimumSales,
            merchant.percentile99 > 0, new.amount > merchant.percentile99 * 3
        else { return nil }
        let who = new.customerId.map { "Customer \($0)" } ?? "A card keyed in with no customer"
        return Finding(
            detector: "unusual_amount", cause: "new_customer:\(new.customerId ?? "(none)")", severity: "warning",
            explanation: "\(who) (\(customerCharges) earlier charge\(customerCharges == 1 ? "" : "s")) was charged \(dollars(new.amount)) USD; "
                + "99% of this merchant's \(merchant.sales) charges of the last 28 days were under \(dollars(merchant.percentile99)) USD, "
                + "and this is more than three times that.",
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
