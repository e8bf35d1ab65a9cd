public import Foundation

/// Detectors of an environment's rates against its own baseline: a decline rate far above what
/// the tenant usually sees, and a burst of refunds. They look at counts, not at customers, and
/// stay silent until there is a baseline to compare with.
public enum RateSpikes {
    /// What the rate detectors count around a new observation.
    public struct Counts: Sendable, Equatable {
        /// Sales and authorizations in the last `recentWindow`, and how many were declined.
        public let recentAttempts: Int
        public let recentDeclines: Int
        /// The same over the `baselineDays` before that window.
        public let baselineAttempts: Int
        public let baselineDeclines: Int
        /// Refunds in the last hour, and over the baseline.
        public let recentRefunds: Int
        public let baselineRefunds: Int
        /// How many days of history the baseline really covers (a new tenant has little).
        public let baselineDaysCovered: Double
        /// Attempts, and declines, in the baseline's same hour of the week as now (Mondays at 9,
        /// say): a tenant whose declines always rise then is judged against that hour.
        public let slotAttempts: Int
        public let slotDeclines: Int

        public init(
            recentAttempts: Int, recentDeclines: Int, baselineAttempts: Int, baselineDeclines: Int, recentRefunds: Int, baselineRefunds: Int,
            baselineDaysCovered: Double, slotAttempts: Int = 0, slotDeclines: Int = 0
        ) {
            self.recentAttempts = recentAttempts
            self.recentDeclines = recentDeclines
            self.baselineAttempts = baselineAttempts
            self.baselineDeclines = baselineDeclines
            self.recentRefunds = recentRefunds
            self.baselineRefunds = baselineRefunds
            self.baselineDaysCovered = baselineDaysCovered
            self.slotAttempts = slotAttempts
            self.slotDeclines = slotDeclines
        }
    }

    public static let recentWindow: TimeInterval = 900
    public static let refundWindow: TimeInterval = 3_600
    public static let baselineDays = 28.0
    /// Days of history before either detector speaks.
    public static let minimumDays = 7.0
    /// Attempts in the baseline's same hour of the week before that hour counts as a baseline.
    public static let minimumSlotAttempts = 20

    public static func findings(for new: PaymentObservation, _ counts: Counts, settings: FraudSettings = FraudSettings()) -> [FraudDetectors.Finding] {
        [
            settings.enabled("decline_spike") ? declineSpike(new, counts, settings) : nil,
            settings.enabled("refund_spike") ? refundSpike(new, counts, settings) : nil,
        ].compactMap { $0 }
    }

    /// At least 20 attempts (the tenant's `declineMinimumAttempts`) in the last 15 minutes with a
    /// decline share of 30% (`declineShare`) or more, and at least three times the baseline's share.
    static func declineSpike(_ new: PaymentObservation, _ counts: Counts, _ settings: FraudSettings) -> FraudDetectors.Finding? {
        guard new.declined, counts.baselineDaysCovered >= minimumDays, counts.recentAttempts >= settings.declineMinimumAttempts,
            counts.baselineAttempts >= 100
        else { return nil }
        let recent = Double(counts.recentDeclines) / Double(counts.recentAttempts)
        let overall = Double(counts.baselineDeclines) / Double(counts.baselineAttempts)
        // The hour of the week speaks once it has enough attempts of its own; the higher share wins.
        let slot = counts.slotAttempts >= minimumSlotAttempts ? Double(counts.slotDeclines) / Double(counts.slotAttempts) : nil
        let usual = max(overall, slot ?? 0)
        guard recent >= settings.declineShare, recent >= usual * 3 else { return nil }
        return FraudDetectors.Finding(
            detector: "decline_spike", cause: "environment", severity: "critical",
            explanation: "\(counts.recentDeclines) of \(counts.recentAttempts) attempts in the last \(Int(recentWindow / 60)) minutes were declined "
                + "(\(percent(recent))), against \(percent(overall)) over the \(Int(min(counts.baselineDaysCovered, baselineDays))) days before"
                + (slot.map { " and \(percent($0)) in this hour of the week" } ?? "") + ".",
            evidence: [new.transactionId])
    }

    /// At least 5 refunds (`refundMinimum`) in the last hour, and at least four times the usual
    /// hourly count plus three.
    static func refundSpike(_ new: PaymentObservation, _ counts: Counts, _ settings: FraudSettings) -> FraudDetectors.Finding? {
        guard new.kind == .refund, counts.baselineDaysCovered >= minimumDays else { return nil }
        let hourly = Double(counts.baselineRefunds) / (min(counts.baselineDaysCovered, baselineDays) * 24)
        guard counts.recentRefunds >= settings.refundMinimum, Double(counts.recentRefunds) >= hourly * 4 + 3 else { return nil }
        return FraudDetectors.Finding(
            detector: "refund_spike", cause: "environment", severity: "warning",
            explanation: "\(counts.recentRefunds) refunds in the last hour, against \(String(format: "%.1f", hourly)) an hour usually.",
            evidence: [new.transactionId])
    }

    static func percent(_ share: Double) -> String { String(format: "%.0f%%", share * 100) }

    /// The window over which chargebacks are set against sales, as the card networks count them.
    public static let chargebackWindow: TimeInterval = 30 * 86_400
    /// Approved sales in the window before the ratio means anything.
    public static let chargebackMinimumSales = 100

    /// Chargebacks over the last 30 days at or above the tenant's share of the approved sales
    /// (1% by default, about where the card networks' monitoring programs start), and at least
    /// its minimum count (3).
    public static func chargebackRatio(chargebacks: Int, sales: Int, settings: FraudSettings = FraudSettings()) -> FraudDetectors.Finding? {
        guard settings.enabled("chargeback_ratio"), chargebacks >= settings.chargebackMinimum, sales >= chargebackMinimumSales else { return nil }
        let share = Double(chargebacks) / Double(sales)
        guard share >= settings.chargebackShare else { return nil }
        return FraudDetectors.Finding(
            detector: "chargeback_ratio", cause: "environment", severity: "critical",
            explanation: "\(chargebacks) chargebacks in the last 30 days against \(sales) approved sales (\(String(format: "%.1f%%", share * 100))), "
                + "at or above \(String(format: "%.1f%%", settings.chargebackShare * 100)): the card networks' monitoring programs start near 1%.",
            evidence: [])
    }
}
