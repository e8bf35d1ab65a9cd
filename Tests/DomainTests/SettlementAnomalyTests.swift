import Foundation
import Testing
import Domain

/// A connection's settlements against its own pattern: fees far above the usual share of sales,
/// and a day with sales but no batch where one settles every day.
@Suite struct SettlementAnomalyTests {
    let connection = UUID()

    func batches(_ count: Int, share: Decimal = Decimal(string: "0.029")!) -> [SettlementAnomalies.Batch] {
        (1...count).map { number in
            let sales = Decimal(1_000 + number * 37)
            return SettlementAnomalies.Batch(number: number, day: "2026-11-\(String(format: "%02d", number))", sales: sales, fees: sales * share)
        }
    }

    @Test func feesFarAboveTheUsualShareOfSalesAreAnAnomaly() {
        let history = batches(12)
        let usual = SettlementAnomalies.Batch(number: 13, day: "2026-11-13", sales: 2_000, fees: 58)
        #expect(SettlementAnomalies.unusualFees(usual, history: history, connectionId: connection) == nil, "2.9% is usual")
        let slightly = SettlementAnomalies.Batch(number: 13, day: "2026-11-13", sales: 2_000, fees: 66)
        #expect(SettlementAnomalies.unusualFees(slightly, history: history, connectionId: connection) == nil, "3.3% is within half a point")
        let high = SettlementAnomalies.Batch(number: 13, day: "2026-11-13", sales: 2_000, fees: 120)
        let found = SettlementAnomalies.unusualFees(high, history: history, connectionId: connection)
        #expect(found?.detector == "settlement_fees" && found?.explanation.contains("120.00 USD in fees") == true, "\(String(describing: found))")
        #expect(found?.explanation.contains("6.00%") == true && found?.explanation.contains("2.90%") == true, "\(String(describing: found))")
        #expect(SettlementAnomalies.unusualFees(high, history: batches(9), connectionId: connection) == nil, "too little history")
    }

    @Test func aDayWithSalesAndNoBatchInADailyPatternIsMissing() {
        let days = Set((20...27).map { "2026-11-\($0)" })
        let found = SettlementAnomalies.missingBatch(day: "2026-11-28", settledDays: days, salesThatDay: 14, connectionId: connection)
        #expect(found?.detector == "missing_batch" && found?.explanation.contains("14 sales were approved") == true, "\(String(describing: found))")
        #expect(SettlementAnomalies.missingBatch(day: "2026-11-28", settledDays: days, salesThatDay: 0, connectionId: connection) == nil, "no sales")
        #expect(
            SettlementAnomalies.missingBatch(day: "2026-11-28", settledDays: days.union(["2026-11-28"]), salesThatDay: 14, connectionId: connection) == nil)
        #expect(
            SettlementAnomalies.missingBatch(day: "2026-11-28", settledDays: days.subtracting(["2026-11-23"]), salesThatDay: 14, connectionId: connection)
                == nil,
            "no daily pattern to miss")
    }
}
