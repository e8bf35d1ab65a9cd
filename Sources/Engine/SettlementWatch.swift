import Foundation
import Domain
import Persistence

/// Judges a connection's settlements against its own pattern (`SettlementAnomalies`) and raises
/// what it finds as fraud-and-anomaly alerts, once per cause: a new batch's fees when it is
/// recorded, a missing batch when the daily reconciliation has read a whole day.
enum SettlementWatch {
    /// Batches compared with a new one.
    static let history = 30

    static func judgeFees(_ tx: Transaction, _ settlement: Settlement) throws {
        let (settings, _, _) = try FraudSettingsStore.get(tx, tenantId: settlement.tenantId, environment: settlement.environment)
        guard settings.enabled("settlement_fees") else { return }
        let earlier = try tx.query(
            """
            SELECT batch_number, settled_on::text AS day, sales_amount::text AS sales, fees::text AS fees FROM settlements
            WHERE tenant_id = $1 AND environment = $2 AND connection_id = $3 AND batch_number < $4 ORDER BY batch_number DESC LIMIT $5
            """, [settlement.tenantId, settlement.environment.rawValue, settlement.connectionId, settlement.batchNumber, history]
        ).map {
            SettlementAnomalies.Batch(
                number: try $0.int("batch_number"), day: try $0.string("day"), sales: try $0.decimal("sales"), fees: try $0.decimal("fees"))
        }
        let batch = SettlementAnomalies.Batch(
            number: settlement.batchNumber, day: settlement.settledOn, sales: settlement.totals.salesAmount, fees: settlement.totals.fees)
        guard let finding = SettlementAnomalies.unusualFees(batch, history: earlier, connectionId: settlement.connectionId) else { return }
        try FraudSettingsStore.raise(tx, tenantId: settlement.tenantId, environment: settlement.environment, finding, at: Date())
    }

    /// `day` (yyyy-MM-dd) is over and read: a batch missing from a daily pattern is raised.
    static func checkMissingBatch(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID, day: String) throws {
        let (settings, _, _) = try FraudSettingsStore.get(tx, tenantId: tenantId, environment: environment)
        guard settings.enabled("missing_batch"), let date = Timestamp.day(day) else { return }
        let from = Timestamp.dayText(date.addingTimeInterval(-Double(SettlementAnomalies.dailyPattern) * 86_400))
        let days = Set(
            try tx.query(
                """
                SELECT DISTINCT settled_on::text AS day FROM settlements
                WHERE tenant_id = $1 AND environment = $2 AND connection_id = $3 AND settled_on BETWEEN $4::date AND $5::date
                """, [tenantId, environment.rawValue, connectionId, from, day]
            ).map { try $0.string("day") })
        // The environment's approved sales that day, as the fraud detectors observed them.
        let sales =
            try tx.one(
                """
                SELECT count(*)::int AS n FROM payment_observations WHERE tenant_id = $1 AND environment = $2 AND kind = 'sale' AND NOT declined
                  AND observed_at >= $3::date AND observed_at < $3::date + 1
                """, [tenantId, environment.rawValue, day])?.int("n") ?? 0
        guard let finding = SettlementAnomalies.missingBatch(day: day, settledDays: days, salesThatDay: sales, connectionId: connectionId) else { return }
        try FraudSettingsStore.raise(tx, tenantId: tenantId, environment: environment, finding, at: Date())
    }
}
