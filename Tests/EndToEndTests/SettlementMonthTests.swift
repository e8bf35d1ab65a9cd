import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import ClearlineTesting
import Connectors
import Domain
import Engine
import Persistence
import Sandbox

/// A month of the sandbox's merchant activity (1,020 sales over 30 days, with declines, voids and
/// refunds) read into settlements by one backfill: 30 batches, each adding up to the cent, with
/// the fees the schedule gives, computed again here line by line; and the same seed gives the
/// same month in another sandbox.
@Suite("A month of settlements", .requiresDatabase)
struct SettlementMonthTests {
    static func month(_ sandbox: SandboxServer) throws -> [String: Any] {
        var request = URLRequest(url: URL(string: sandbox.baseURL + "/_sandbox/paytrace/month")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["seed": 7, "start": "2026-11-01", "days": 30, "sales_per_day": 34])
        let reply = try HTTPTransport(timeout: 60).send(request, vendor: "sandbox")
        return (try JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
    }

    static let rules: [String: (percent: Decimal, fixed: Decimal)] = [
        "visa": (Decimal(string: "2.9")!, Decimal(string: "0.30")!), "mastercard": (Decimal(string: "2.75")!, Decimal(string: "0.25")!),
        "amex": (Decimal(string: "3.5")!, Decimal(string: "0.15")!), "discover": (Decimal(string: "2.6")!, Decimal(string: "0.10")!),
    ]

    @Test func aMonthOfBatchesBecomesThirtySettlementsThatAddUp() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let generated = try Self.month(sandbox)
        #expect(generated["sales"] as? Int == 1020 && generated["last_batch"] as? Int == 30, "\(generated)")
        let tenantText = try await Fixtures.tenant()
        let tenant = try #require(UUID(uuidString: tenantText))
        let base = "/v1/tenants/\(tenantText)/environments/dev"
        let connectionId = try await VendorFixtures.payTrace(tenantText, sandbox: sandbox)
        let rules = Self.rules.map { brand, rule in
            ["card_brand": brand, "transaction_type": "SALE", "percent": "\(rule.percent)", "fixed": "\(rule.fixed)", "effective_from": "2026-01-01"]
        }
        #expect(try await Client.send("PUT", base + "/connections/\(connectionId)/fee-schedule", json: ["rules": rules]).status == 200)
        let backfill = try await Client.send(
            "POST", base + "/settlements/backfill", json: ["connection_id": connectionId, "from": "2026-11-01", "to": "2026-11-30"])
        #expect(backfill.status == 202, "\(backfill.text)")
        let pool = TestWorkers.pool(tenant: tenant)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func settlements() async throws -> [[String: Any]] { (try await Client.send("GET", base + "/settlements?limit=100")).items }
        #expect(try await Wait.until(60) { try await settlements().count == 30 })

        var lines = 0
        for settlement in try await settlements() {
            let detail = try await Client.send("GET", base + "/settlements/\(try #require(settlement["id"] as? String))")
            let items = detail.json["lines"] as? [[String: Any]] ?? []
            lines += items.count
            func money(_ key: String) -> Decimal { Decimal(string: detail.json[key] as? String ?? "x") ?? -1 }
            func amount(_ item: [String: Any], _ key: String) -> Decimal { Decimal(string: item[key] as? String ?? "x") ?? -1 }
            // The fee of each line again, from the schedule, half a cent up.
            var fees = Decimal(0), net = Decimal(0)
            for item in items {
                let value = amount(item, "amount")
                net += item["transaction_type"] as? String == "REFUND" ? -value : value
                guard item["transaction_type"] as? String == "SALE", let rule = Self.rules[item["card_brand"] as? String ?? ""] else {
                    #expect(amount(item, "expected_fee") == 0)
                    continue
                }
                let expected = FeeSchedule.cents(value * rule.percent / 100) + rule.fixed
                #expect(amount(item, "expected_fee") == expected, "\(item)")
                fees += expected
            }
            #expect(
                money("fees") == fees && money("net") == net && money("net") == money("deposit") + money("fees"), "batch \(settlement["batch_number"] ?? "")")
        }
        #expect(lines > 1000, "\(lines) settled lines")

        // The same seed, another sandbox: the same month, batch by batch.
        let other = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try other.startAsAllowedVendor()
        defer { other.shutdown() }
        _ = try Self.month(other)
        let first = try VendorFixtures.payTraceClient(sandbox, cacheKey: "month-a").exportBatches(from: "11/01/2026", to: "11/30/2026")
        let second = try VendorFixtures.payTraceClient(other, cacheKey: "month-b").exportBatches(from: "11/01/2026", to: "11/30/2026")
        #expect(first.count == 30 && first.map(\.netAmount) == second.map(\.netAmount) && first.map(\.settledAt) == second.map(\.settledAt))
    }
}
