import Foundation
import Testing
import ClearlineTesting
import Domain
@testable import Engine
import Persistence

/// The settlement detectors against the database: a connection that settled every day for a
/// week, then had sales and no batch, is told once; a batch with fees far above its connection's
/// usual share is told when it is recorded; both can be turned off.
@Suite("Settlement anomalies", .requiresDatabase)
struct SettlementAnomalyWatchTests {
    @Test func aMissingDailyBatchAndUnusualFeesAreEachOneAlert() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let connection = try #require(UUID(uuidString: try await VendorFixtures.payTrace(tenant)))
        let database = TestServer.shared.database
        func settle(_ number: Int, _ day: String, sales: String, fees: String) throws -> Settlement {
            try database.transaction(.tenant(tenantId)) { tx in
                let sale = Decimal(string: sales)!, fee = Decimal(string: fees)!
                try tx.query(
                    """
                    INSERT INTO settlements (tenant_id, environment, connection_id, batch_number, settled_at, settled_on, currency, sales_count, sales_amount,
                      refund_count, refund_amount, net_amount, fees, deposit)
                    VALUES ($1, 'dev', $2, $3, $4, $5::date, 'USD', 10, $6::numeric, 0, 0, $6::numeric, $7::numeric, $6::numeric - $7::numeric)
                    """, [tenantId, connection, number, "\(day) 11:00 PM", day, "\(sale)", "\(fee)"])
                return try #require(
                    try SettlementStore.list(tx, tenantId: tenantId, environment: .dev, settledFrom: nil, settledTo: nil, after: nil, limit: 100).items.first {
                        $0.batchNumber == number
                    })
            }
        }
        // Eleven days settled at 2.9%, then the 12th (Nov 12) has sales and no batch.
        for day in 1...11 { _ = try settle(day, "2026-11-\(String(format: "%02d", day))", sales: "\(1000 + day * 10).00", fees: "\(29 + day / 3).00") }
        try database.transaction(.tenant(tenantId)) { tx in
            for n in 0..<3 {
                _ = try PaymentObservationStore.record(
                    tx, tenantId: tenantId, environment: .dev,
                    PaymentObservation(
                        transactionId: 700 + n, kind: .sale, amount: 25, declined: false, customerId: "c-\(n)", card: nil,
                        at: Timestamp.day("2026-11-12")!.addingTimeInterval(3_600 * Double(n + 9))))
            }
            for _ in 0..<2 { try SettlementWatch.checkMissingBatch(tx, tenantId: tenantId, environment: .dev, connectionId: connection, day: "2026-11-12") }
            try SettlementWatch.checkMissingBatch(tx, tenantId: tenantId, environment: .dev, connectionId: connection, day: "2026-11-11")
        }
        // Batch 13 on the 13th pays 6% in fees.
        let costly = try settle(13, "2026-11-13", sales: "2000.00", fees: "120.00")
        try database.transaction(.tenant(tenantId)) { try SettlementWatch.judgeFees($0, costly) }
        let alerts = try database.transaction(.tenant(tenantId)) { tx in
            try tx.query("SELECT subject, message FROM alerts WHERE tenant_id = $1 AND kind = 'fraud' ORDER BY created_at", [tenantId]).map {
                (try $0.string("subject"), try $0.string("message"))
            }
        }
        #expect(
            alerts.map(\.0) == [
                "missing_batch:connection:\(connection.lowercasedText):2026-11-12", "settlement_fees:connection:\(connection.lowercasedText):batch:13",
            ], "\(alerts)")
        #expect(alerts.first?.1.contains("3 sales were approved") == true && alerts.last?.1.contains("6.00%") == true, "\(alerts)")

        // Turned off, they say nothing.
        let off = try await Client.send(
            "PATCH", "/v1/tenants/\(tenant)/environments/dev/fraud-settings",
            json: ["settlement_fees": ["enabled": false], "missing_batch": ["enabled": false]])
        #expect(off.status == 200, "\(off.text)")
        let another = try settle(14, "2026-11-14", sales: "2000.00", fees: "150.00")
        try database.transaction(.tenant(tenantId)) { tx in
            try SettlementWatch.judgeFees(tx, another)
            try SettlementWatch.checkMissingBatch(tx, tenantId: tenantId, environment: .dev, connectionId: connection, day: "2026-11-12")
        }
        let after = try database.transaction(.tenant(tenantId)) { tx in
            try tx.one("SELECT count(*)::int AS n FROM alerts WHERE tenant_id = $1 AND kind = 'fraud'", [tenantId])!.int("n")
        }
        #expect(after == 2)
    }

    /// Chargebacks entered against a month of sales: the third of 150 (2%) is one alert, and a
    /// fourth joins it.
    @Test func chargebacksAboveOnePercentOfSalesAreOneAlert() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let database = TestServer.shared.database
        let now = Date()
        try database.transaction(.tenant(tenantId)) { tx in
            for n in 0..<150 {
                _ = try PaymentObservationStore.record(
                    tx, tenantId: tenantId, environment: .dev,
                    PaymentObservation(
                        transactionId: 900 + n, kind: .sale, amount: 40, declined: false, customerId: "c-\(n % 20)", card: nil,
                        at: now.addingTimeInterval(-86_400 - Double(n) * 14_000)))
            }
        }
        func ratioAlerts() throws -> [String] {
            try database.transaction(.tenant(tenantId)) { tx in
                try tx.query("SELECT message FROM alerts WHERE tenant_id = $1 AND subject = 'chargeback_ratio:environment'", [tenantId]).map {
                    try $0.string("message")
                }
            }
        }
        for n in 0..<4 {
            try database.transaction(.tenant(tenantId)) { tx in
                _ = try DisputeStore.record(
                    tx, tenantId: tenantId, environment: .dev,
                    Chargeback(
                        caseNumber: "CB-\(n)", transactionId: String(900 + n), customerId: "c-\(n)", amount: 40, fee: 15, currency: "USD",
                        reason: "Fraudulent", receivedAt: now.addingTimeInterval(-Double(4 - n) * 60)), via: "api", firstJob: .eventDispatch)
            }
            let raised = try ratioAlerts()
            #expect(raised.count == (n < 2 ? 0 : 1), "after \(n + 1) chargebacks: \(raised)")
        }
        let raised = try ratioAlerts()
        #expect(raised.first?.contains("3 chargebacks in the last 30 days against 150 approved sales (2.0%)") == true, "\(raised)")
    }
}
