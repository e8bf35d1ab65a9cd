import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import ClearlineTesting
import Connectors
import Engine
import Persistence
import Sandbox

/// Two PayTrace batches written by the flows into Zoho Books and, through the agent, Sage Pro,
/// then spoiled with one drift of each kind through the sandbox's spoil requests: the first
/// reconciliation finds each with its category in the right ledger and nothing else; "Repair all"
/// fixes what Clearline can, a person explains the manual duplicate, and a rerun shows both
/// settlements balanced. The journals then leave Pro's clearing account at 0.00 for each batch,
/// posted once however often they are asked for.
@Suite("Three-way reconciliation: PayTrace, Zoho Books and Sage Pro", .requiresDatabase)
struct ThreeWayReconciliationTests {
    @Test func eachDriftIsFoundRepairedAndTheRerunBalances() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let ledgers = try await AgentFixtures.threeLedgers(
            sandbox, templates: ["paytrace-zoho-order-to-cash", "paytrace-zoho-refunds", "paytrace-sage-order-to-erp", "paytrace-sage-adjustments"])
        let (agent, tenant, tenantText, base, connectionId) = (ledgers.agent, ledgers.tenant, ledgers.tenantText, ledgers.base, ledgers.payTrace)
        try await VendorFixtures.flatFees(tenantText, payTrace: connectionId)
        let client = VendorFixtures.payTraceClient(sandbox, cacheKey: "three-way-\(tenantText)")
        let hook = try await Hooks.endpoint(tenantText, source: "paytrace")
        let marker = String(UUID().uuidString.prefix(6))
        let created = SettlementRecorderDates.payTraceTime(Date())
        let pool = TestWorkers.pool(tenant: tenant)
        pool.start()
        defer { pool.shutdown(grace: 5) }

        /// A vault sale of a customer of its own, delivered as PayTrace's webhook would.
        func sale(_ index: Int, _ amount: String) async throws -> Int {
            let customer = "tw-\(marker)-\(index)"
            _ = try client.call(
                "v1/customer/create",
                [
                    "customer_id": customer, "credit_card": ["number": "4012000098765439", "expiration_month": 12, "expiration_year": 2031],
                    "billing_address": ["name": "Three-way \(marker) \(index)", "zip": "99201"],
                ])
            let id = try #require(try client.sale(customerId: customer, amount: Decimal(string: amount)!, invoiceId: "INV-\(marker)-\(index)").transactionId)
            let body =
                #"{"transaction": {"transaction_id": \#(id), "transaction_type": "SALE", "amount": "\#(amount)", "status": "PENDING_SETTLEMENT", "#
                + #""created_at": "\#(created)", "customer_id": "\#(customer)", "invoice_id": "INV-\#(marker)-\#(index)", "#
                + #""billing_address": {"name": "Three-way \#(marker) \#(index)"}}}"#
            let reply = try await Hooks.deliver(hook, body, eventId: "tw-\(marker)-\(index)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"])
            #expect(reply.status == 202, "\(reply.text)")
            return id
        }
        func runsSucceeded(_ count: Int) async throws -> Bool {
            try await Wait.until(90) {
                let statuses = try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
                    try tx.query("SELECT status FROM runs WHERE tenant_id = $1", [tenant]).map { try $0.string("status") }
                }
                return statuses.count == count && statuses.allSatisfy { $0 == "succeeded" }
            }
        }
        func idle() async throws -> Bool {
            try await Wait.until(90) {
                try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
                    try tx.one("SELECT count(*) AS n FROM jobs WHERE tenant_id = $1 AND kind <> 'paytrace.poll'", [tenant])!.int("n") == 0
                }
            }
        }

        // Batch 1: five sales, each into Books and Pro. Batch 2: a sale, and a refund of the
        // first whose webhook never came.
        var sales: [Int] = []
        for (index, amount) in ["108.25", "20.00", "35.10", "12.34", "50.00"].enumerated() { sales.append(try await sale(index, amount)) }
        #expect(try await runsSucceeded(10))
        _ = try client.call("v1/transactions/settle", [:])
        let refund = try #require(try client.refund(transactionId: sales[0], amount: Decimal(string: "10.00")!).transactionId)
        let late = try await sale(5, "64.00")
        #expect(try await runsSucceeded(12))
        _ = try client.call("v1/transactions/settle", [:])

        // Spoiled as people do, through the sandbox.
        func spoil(_ body: [String: Any]) async throws {
            var request = URLRequest(url: URL(string: sandbox.baseURL + "/_sandbox/spoil")!)
            request.httpMethod = "POST"
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            let reply = try HTTPTransport().send(request, vendor: "sandbox")
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
        }
        try await spoil(["action": "delete_zoho_payment", "reference": "PT-\(sales[1])"])
        try await spoil(["action": "change_zoho_payment", "reference": "PT-\(sales[2])", "amount": "36.10"])
        try await spoil(["action": "drop_sage_receipt", "reference": "PT-\(sales[3])", "connection_id": agent.connection.uuidString])
        try await spoil(["action": "duplicate_zoho_payment", "reference": "PT-\(sales[4])"])

        // The backfill keeps both batches; each is reconciled at once against both ledgers.
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        #expect(try await Client.send("POST", base + "/settlements/backfill", json: ["connection_id": connectionId, "from": today, "to": today]).status == 202)
        var settlements: [[String: Any]] = []
        #expect(
            try await Wait.until(30) {
                settlements = (try await Client.send("GET", base + "/settlements")).items; return settlements.count == 2
            })
        let ordered = settlements.sorted { ($0["batch_number"] as? Int ?? 0) < ($1["batch_number"] as? Int ?? 0) }
        let first = try #require(ordered.first?["id"] as? String), second = try #require(ordered.last?["id"] as? String)
        func latest(_ settlement: String) async throws -> [String: Any] {
            var result: [String: Any] = [:]
            #expect(
                try await Wait.until(60) {
                    guard let id = (try await Client.send("GET", base + "/reconciliations?settlement_id=\(settlement)")).items.last?["id"] as? String
                    else { return false }
                    result = (try await Client.send("GET", base + "/reconciliations/\(id)")).json
                    return result["status"] as? String != "running"
                })
            return result
        }
        func drift(_ reconciliation: [String: Any]) -> Set<String> {
            Set(
                (reconciliation["findings"] as? [[String: Any]] ?? []).filter { $0["category"] as? String != "matched" }.map {
                    "\($0["system"] ?? "") \($0["category"] ?? "") \($0["transaction_id"] ?? "-")"
                })
        }
        let one = try await latest(first), two = try await latest(second)
        #expect(one["systems"] as? [String] == ["zoho_books", "sage_pro"], "\(one)")
        #expect(
            drift(one) == [
                "zoho_books missing \(sales[1])", "zoho_books amount_differs \(sales[2])", "sage_pro missing \(sales[3])", "zoho_books unexplained -",
            ], "every spoil of batch 1 in its ledger, and nothing else")
        #expect(one["matched"] as? Int == 7, "five sales in two ledgers, less the three spoiled lines")
        #expect(drift(two) == ["zoho_books reversal_not_reflected \(refund)", "sage_pro reversal_not_reflected \(refund)"])
        #expect(two["matched"] as? Int == 2, "the late sale in both ledgers")
        let alerts = try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
            try tx.one("SELECT count(*) AS n FROM alerts WHERE tenant_id = $1 AND kind = 'reconciliation_drift'", [tenant])!.int("n")
        }
        #expect(alerts == 2, "one alert per drifting settlement")

        // Repair all: three repairs in batch 1 (the duplicate is a person's), one refund for both ledgers.
        let repairOne = try await Client.send("POST", base + "/reconciliations/\(try #require(one["id"] as? String))/repair")
        #expect(
            repairOne.status == 202 && (repairOne.json["positions"] as? [Int])?.count == 3 && (repairOne.json["left"] as? [Int])?.count == 1,
            "\(repairOne.text)")
        let repairTwo = try await Client.send("POST", base + "/reconciliations/\(try #require(two["id"] as? String))/repair")
        #expect(repairTwo.status == 202 && (repairTwo.json["job_ids"] as? [String])?.count == 1, "\(repairTwo.text)")
        #expect(try await idle())
        #expect(try await runsSucceeded(14), "the refund's event ran the Zoho and the Sage refund flows")
        let duplicate = try #require(
            (one["findings"] as? [[String: Any]] ?? []).first { $0["category"] as? String == "unexplained" }?["position"] as? Int)
        let explained = try await Client.send(
            "POST", base + "/reconciliations/\(try #require(one["id"] as? String))/findings/\(duplicate)/explain",
            json: ["note": "Keyed twice at the counter; refunded to the customer by cheque."])
        #expect(explained.status == 200, "\(explained.text)")

        // A rerun: both balanced, the explanation carried over.
        for settlement in [first, second] {
            #expect(try await Client.send("POST", base + "/reconciliations", json: ["settlement_id": settlement]).status == 202)
        }
        #expect(try await idle())
        let rerunOne = try await latest(first), rerunTwo = try await latest(second)
        #expect(rerunOne["status"] as? String == "balanced" && rerunOne["open_differences"] as? Int == 0, "\(rerunOne)")
        #expect(drift(rerunOne) == ["zoho_books unexplained -"], "only the explained duplicate")
        #expect(rerunTwo["status"] as? String == "balanced" && rerunTwo["differences"] as? Int == 0, "\(rerunTwo)")

        // The journals, posted twice, land once; Pro's clearing holds nothing for either batch.
        for _ in 0..<2 {
            for settlement in [first, second] { #expect(try await Client.send("POST", base + "/settlements/\(settlement)/post").status == 202) }
            #expect(try await idle())
        }
        let company = try #require(sandbox.sageAgents.company(agent.connection))
        let gl = try #require(company.rows("GLTRAN")), receipts = try #require(company.rows("ARCASH"))
        #expect(Set(gl.compactMap { $0["REFERENCE"]?.string }.filter { $0.hasPrefix("PT-BATCH-") }).count == 4, "deposit and fees of two batches")
        #expect(gl.filter { $0["REFERENCE"]?.string?.hasPrefix("PT-BATCH-") == true }.count == 8, "each journal once, two lines each")
        let batches = ordered.compactMap { $0["batch_number"] as? Int }
        let members: [[Int]] = [sales, [late, refund]]
        for (batch, transactions) in zip(batches, members) {
            var references = Set(transactions.map { "PT-\($0)-refund" } + ["PT-BATCH-\(batch)-DEPOSIT", "PT-BATCH-\(batch)-FEES"])
            for receipt in receipts where transactions.map({ "PT-\($0)" }).contains(receipt["REFERENCE"]?.string ?? "") {
                references.insert(receipt["RECEIPTNO"]?.string ?? "")
            }
            let clearing = gl.filter { $0["GLACNT"] == .string("1050-00") && references.contains($0["REFERENCE"]?.string ?? "") }.reduce(Decimal(0)) {
                $0 + Decimal(string: $1["DEBIT"]?.string ?? "0")! - Decimal(string: $1["CREDIT"]?.string ?? "0")!
            }
            #expect(clearing == 0, "Pro's clearing holds nothing for batch \(batch)")
        }
    }
}
