public import Foundation

/// Anomalies in a PayTrace connection's settlements against its own pattern: a batch whose fees
/// are far above the share of its sales the connection's batches usually pay, and a day with
/// sales but no batch where there is one every day. Both explain themselves, and both stay
/// silent until there is a pattern to depart from.
public enum SettlementAnomalies {
    public struct Batch: Sendable {
        public let number: Int
        public let day: String
        public let sales: Decimal
        public let fees: Decimal

        public init(number: Int, day: String, sales: Decimal, fees: Decimal) {
            self.number = number
            self.day = day
            self.sales = sales
            self.fees = fees
        }

        var feeShare: Decimal { sales > 0 ? fees / sales : 0 }
    }

    /// Earlier batches (with sales) before the fee detector speaks.
    public static let minimumHistory = 10
    /// Days before a missing one that must each have had a batch.
    public static let dailyPattern = 7

    /// Fees above the usual share of sales by more than five median absolute deviations, and by
    /// at least half a percentage point (a connection whose rate never moves has a deviation of 0).
    public static func unusualFees(_ batch: Batch, history: [Batch], connectionId: UUID) -> FraudDetectors.Finding? {
        let past = history.filter { $0.sales > 0 && $0.number != batch.number }
        guard batch.sales > 0, past.count >= minimumHistory else { return nil }
        let shares = past.map(\.feeShare)
        let median = FraudDetectors.median(shares)
        let deviation = FraudDetectors.median(shares.map { abs($0 - median) })
        let limit = median + max(deviation * 5, Decimal(string: "0.005")!)
        guard batch.feeShare > limit else { return nil }
        return FraudDetectors.Finding(
            detector: "settlement_fees", cause: "connection:\(connectionId.lowercasedText):batch:\(batch.number)", severity: "warning",
            explanation: "PayTrace batch \(batch.number) of \(batch.day) paid \(FraudDetectors.dollars(batch.fees)) USD in fees on "
                + "\(FraudDetectors.dollars(batch.sales)) USD of sales (\(percent(batch.feeShare))), against \(percent(median)) usually "
                + "over the connection's \(past.count) earlier batches.",
            evidence: [batch.number])
    }

    /// No batch on `day` while the connection settled on each of the `dailyPattern` days before it,
    /// and sales were made that day.
    public static func missingBatch(day: String, settledDays: Set<String>, salesThatDay: Int, connectionId: UUID) -> FraudDetectors.Finding? {
        guard salesThatDay > 0, !settledDays.contains(day), let date = Timestamp.day(day) else { return nil }
        let before = (1...dailyPattern).map { Timestamp.dayText(date.addingTimeInterval(-Double($0) * 86_400)) }
        guard before.allSatisfy(settledDays.contains) else { return nil }
        return FraudDetectors.Finding(
            detector: "missing_batch", cause: "connection:\(connectionId.lowercasedText):\(day)", severity: "warning",
            explanation: "PayTrace settled no batch on \(day) although \(salesThatDay) sale\(salesThatDay == 1 ? " was" : "s were") approved that day, "
                + "and it settled one on each of the \(dailyPattern) days before: the day's money is not on its way to the bank.",
            evidence: [])
    }

    static func percent(_ share: Decimal) -> String {
        "\(FraudDetectors.dollars(share * 100))%"
    }
}
