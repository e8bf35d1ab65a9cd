import Foundation
import Testing
import ClearlineTesting
import Connectors
import Engine
import Persistence
import Sandbox

/// PayTrace batches become settlements as the poller sees them settle: one line per transaction,
/// its brand from the BIN and its expected fee from the connection's fee schedule, totals that
/// add up to the cent, and each batch kept once however often it is read (poll or backfill).
@Suite("Settlements from PayTrace batches", .requiresDatabase)
struct SettlementTests {
    @Test func settledBatchesBecomeSettlementsWithTheirExpectedFeesOnce() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let tenantText = try await Fixtures.tenant()
        let tenant = try #require(UUID(uuidString: tenantText))
        let base = "/v1/tenants/\(tenantText)/environments/dev"
        let connectionId = try await VendorFixtures.payTrace(tenantText, sandbox: sandbox, settings: ["poll": true, "poll_interval_seconds": "1"])
        // The schedule: Visa sales 2.9% + 0.30, Amex 3.5% + 0.15, refunds free.
        let rules: [[String: Any?]] = [
            ["card_brand": "visa", "transaction_type": "SALE", "percent": "2.9", "fixed": "0.30", "effective_from": "2026-01-01"],
            ["card_brand": "amex", "transaction_type": nil, "percent": "3.5", "fixed": "0.15", "effective_from": "2026-01-01"],
            ["card_brand": nil, "transaction_type": "REFUND", "percent": "0", "fixed": "0", "effective_from": "2026-01-01"],
        ]
        let schedulePath = base + "/connections/\(connectionId)/fee-schedule"
        let bad = try await Client.send("PUT", schedulePath, json: ["rules": [["card_brand": "diners", "percent": "2.9", "effective_from": "2026-01-01"]]])
        #expect(bad.status == 422 && bad.text.contains("rules[0].card_brand") && bad.text.contains("rules[0].fixed"))
        let put = try await Client.send("PUT", schedulePath, json: ["rules": rules.map { $0.mapValues { $0 ?? NSNull() } }])
        #expect(put.status == 200, "\(put.text)")
        #expect(((try await Client.send("GET", schedulePath)).json["rules"] as? [Any])?.count == 3)

        let client = VendorFixtures.payTraceClient(sandbox, cacheKey: "settlement-test")
        func sale(_ amount: String, card: String) throws -> Int {
            try #require(
                try client.call(
                    "v1/transactions/sale/keyed", ["amount": amount, "credit_card": ["number": card, "expiration_month": 12, "expiration_year": 2031]]
                ).transactionId)
        }
        let visa = "4012000098765439", amex = "371449635392376"
        let first = try sale("10.00", card: visa)
        _ = try sale("20.00", card: visa)
        _ = try sale("100.00", card: amex)
        let batchOne = try #require(try client.call("v1/transactions/settle", [:]).object["batch_number"] as? Int)
        _ = try client.call("v1/transactions/refund/for_transaction", ["transaction_id": first, "amount": "5.00"])
        let batchTwo = try #require(try client.call("v1/transactions/settle", [:]).object["batch_number"] as? Int)

        let housekeeping = TestWorkers.housekeeping(tenant: tenant)
        housekeeping.start()
        defer { housekeeping.shutdown() }
        let pool = TestWorkers.pool(tenant: tenant)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func settlements() async throws -> [[String: Any]] { (try await Client.send("GET", base + "/settlements")).items }
        #expect(try await Wait.until(30) { try await settlements().count == 2 })

        let listed = try await settlements()
        let one = try #require(listed.first { $0["batch_number"] as? Int == batchOne })
        #expect(one["sales_count"] as? Int == 3 && one["sales_amount"] as? String == "130.00" && one["net"] as? String == "130.00")
        // 0.29 + 0.30, 0.58 + 0.30, 3.50 + 0.15.
        #expect(one["fees"] as? String == "5.12" && one["deposit"] as? String == "124.88")
        let two = try #require(listed.first { $0["batch_number"] as? Int == batchTwo })
        #expect(two["refund_count"] as? Int == 1 && two["net"] as? String == "-5.00" && two["fees"] as? String == "0.00")

        let detail = try await Client.send("GET", base + "/settlements/\(try #require(one["id"] as? String))")
        #expect(detail.json["fees_by_brand"] as? [String: String] == ["visa": "1.47", "amex": "3.65"])
        let lines = detail.json["lines"] as? [[String: Any]] ?? []
        #expect(lines.count == 3)
        #expect(
            lines.contains {
                $0["masked_card_number"] as? String == "401200******5439" && $0["card_brand"] as? String == "visa" && $0["expected_fee"] as? String == "0.59"
            })

        // Read again by a backfill over today: nothing changes.
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        let backfill = try await Client.send(
            "POST", base + "/settlements/backfill", json: ["connection_id": connectionId, "from": today, "to": today])
        #expect(backfill.status == 202, "\(backfill.text)")
        let jobId = try #require(backfill["job_id"])
        #expect(
            try await Wait.until(30) {
                try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
                    try tx.one("SELECT count(*) AS n FROM job_history WHERE tenant_id = $1 AND id = $2 AND state = 'completed'", [tenant, Int64(jobId)!])!
                        .int("n") == 1
                }
            })
        let again = try await settlements()
        #expect(again.count == 2 && again.map { $0["fees"] as? String } == listed.map { $0["fees"] as? String })
        let wrong = try await Client.send("POST", base + "/settlements/backfill", json: ["connection_id": connectionId, "from": today, "to": "2020-01-01"])
        #expect(wrong.status == 422 && wrong.text.contains("\"to\""))

        // The processor's statement: actual fees replace the estimate; one bad row and nothing is kept.
        func importStatement(_ csv: String) async throws -> Reply {
            try await Client.send(
                "POST", base + "/settlements/statements?connection_id=\(connectionId)", body: Data(csv.utf8), headers: ["Content-Type": "text/csv"])
        }
        let badFile = try await importStatement(
            "date,batch,gross,fees,net\n\(today),\(batchOne),130.00,5.20,124.80\n\(today),\(batchTwo),-5.00,0.10,-5.00\n\(today),999,1.00,0.00,1.00\n")
        #expect(badFile.status == 422)
        #expect(badFile.text.contains("line 3.net") && badFile.text.contains("line 4.batch") && !badFile.text.contains("line 2."), "\(badFile.text)")
        let wrongGross = try await importStatement("date,batch,gross,fees,net\n\(today),\(batchOne),131.00,5.20,125.80\n")
        #expect(wrongGross.status == 422 && wrongGross.text.contains("line 2.gross"))
        #expect((try await settlements()).allSatisfy { $0["actual_fees"] == nil }, "nothing was kept")
        let imported = try await importStatement("batch,date,net,fees,gross\n\(batchOne),\(today),124.80,5.20,130.00\n")
        #expect(imported.status == 200 && imported.json["imported"] as? Int == 1, "\(imported.text)")
        let trued = try #require(try await settlements().first { $0["batch_number"] as? Int == batchOne })
        #expect(trued["actual_fees"] as? String == "5.20" && trued["fee_true_up"] as? String == "0.08" && trued["actual_deposit"] as? String == "124.80")

        // Another tenant sees none of it.
        let other = try await Fixtures.tenant()
        let foreign = try await Client.send("GET", "/v1/tenants/\(other)/environments/dev/settlements/\(try #require(one["id"] as? String))")
        #expect(foreign.status == 404)
    }
}
