import Foundation
import Testing
import ClearlineTesting
import Connectors
import Domain
import Engine
import Persistence
import Sandbox

/// Reconciliation's acceptance run: a month of sandbox activity (1,020 sales in 30 daily batches,
/// with declines, voids and refunds) delivered as PayTrace's events, through the order-to-cash,
/// order-to-ERP, refund and void flows into Zoho Books and, through the agent, Sage Pro; then the
/// month's settlements are kept, reconciled (each waiting until the flows have written its
/// transactions) and posted. Every batch is balanced, each ledger's clearing account holds 0.00
/// for every batch, and each fee journal is the schedule's fees to the cent.
@Suite("A month through the flows and reconciliation", .requiresDatabase)
struct MonthThroughFlowsTests {
    @Test func everyBatchBalancesAndClearingReturnsToZero() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let generated = try SettlementMonthTests.month(sandbox)
        #expect(generated["sales"] as? Int == 1020 && generated["last_batch"] as? Int == 30, "\(generated)")
        let ledgers = try await AgentFixtures.threeLedgers(
            sandbox,
            templates: [
                "paytrace-zoho-order-to-cash", "paytrace-zoho-refunds", "paytrace-zoho-voids", "paytrace-sage-order-to-erp", "paytrace-sage-adjustments",
            ])
        let (agent, tenant, tenantText, base, session, connectionId) = (
            ledgers.agent, ledgers.tenant, ledgers.tenantText, ledgers.base, ledgers.session, ledgers.payTrace
        )
        let rules = SettlementMonthTests.rules.map { brand, rule in
            ["card_brand": brand, "transaction_type": "SALE", "percent": "\(rule.percent)", "fixed": "\(rule.fixed)", "effective_from": "2026-01-01"]
        }
        #expect(try await Client.send("PUT", base + "/connections/\(connectionId)/fee-schedule", json: ["rules": rules]).status == 200)

        // Each transaction as PayTrace's export has it, delivered as its event: a voided sale as
        // its void, which finds nothing written and writes nothing.
        let client = VendorFixtures.payTraceClient(sandbox, cacheKey: "month-flows-\(tenantText)")
        let transactions = try client.exportTransactions(from: "11/01/2026", to: "11/30/2026")
        #expect(transactions.count > 1000)
        let hook = try await Hooks.endpoint(tenantText, source: "paytrace")
        for t in transactions {
            let (vendorId, type, body) = PayTraceEvents.event(t)
            let reply = try await Hooks.deliver(hook, body, eventId: vendorId, headers: ["Clearline-Event-Type": type])
            #expect(reply.status == 202, "\(reply.text)")
        }
        // The month's settlements are kept at once; each reconciliation waits for the flows.
        #expect(
            try await Client.send("POST", base + "/settlements/backfill", json: ["connection_id": connectionId, "from": "2026-11-01", "to": "2026-11-30"])
                .status == 202)
        // Most of a step's time is waiting on a vendor or the agent: more workers than cores.
        let pool = TestWorkers.pool(tenant: tenant, workers: 8)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func settlements() async throws -> [[String: Any]] { (try await Client.send("GET", base + "/settlements?limit=100")).items }
        func reconciliations() async throws -> [[String: Any]] { (try await Client.send("GET", base + "/reconciliations?limit=100")).items }
        #expect(try await Wait.until(120) { try await settlements().count == 30 })
        #expect(
            try await Wait.until(600) { try await reconciliations().filter { $0["status"] as? String != "running" }.count == 30 },
            "every settlement reconciled once the flows were done")
        let runs = try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
            try tx.query("SELECT status, count(*) AS n FROM runs WHERE tenant_id = $1 GROUP BY status", [tenant]).map {
                "\(try $0.string("status")) \(try $0.int("n"))"
            }
        }
        let outcomes = try await reconciliations()
        #expect(
            outcomes.allSatisfy { $0["status"] as? String == "balanced" && $0["differences"] as? Int == 0 },
            "\(runs) \(outcomes.filter { $0["status"] as? String != "balanced" })")

        for settlement in try await settlements() {
            #expect(try await Client.send("POST", base + "/settlements/\(try #require(settlement["id"] as? String))/post").status == 202)
        }
        #expect(
            try await Wait.until(300) {
                try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
                    try tx.one("SELECT count(*) AS n FROM settlement_postings WHERE tenant_id = $1", [tenant])!.int("n")
                } == 30 * 2 * 2
            }, "deposit and fees of 30 batches in two ledgers")

        // Clearing per batch, in each ledger, and the fee journals against the schedule.
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        let range = ["date_start": "2026-10-25", "date_end": "2026-11-30"]
        let payments = try books.all("customerpayments", key: "customerpayments", query: range)
        let notes = try books.all("creditnotes", key: "creditnotes", query: range)
        let journals = try books.all("journals", key: "journals", query: ["reference_number_startswith": "PT-BATCH-"])
        let company = try #require(sandbox.sageAgents.company(agent.connection))
        let gl = try #require(company.rows("GLTRAN")), receipts = try #require(company.rows("ARCASH"))
        func decimal(_ value: Any?) -> Decimal { Money.decimal(fromJSON: value) ?? Decimal(string: "NaN")! }
        for settlement in try await settlements() {
            let number = try #require(settlement["batch_number"] as? Int)
            let detail = try await Client.send("GET", base + "/settlements/\(try #require(settlement["id"] as? String))")
            let lines = detail.json["lines"] as? [[String: Any]] ?? []
            let sales = Set(lines.filter { $0["transaction_type"] as? String == "SALE" }.map { "PT-\($0["transaction_id"] ?? "")" })
            let refunds = Set(lines.filter { $0["transaction_type"] as? String == "REFUND" }.map { "PT-\($0["transaction_id"] ?? "")" })
            var fees = Decimal(0)
            for line in lines where line["transaction_type"] as? String == "SALE" {
                let rule = try #require(SettlementMonthTests.rules[line["card_brand"] as? String ?? ""])
                fees += FeeSchedule.cents(decimal(line["amount"]) * rule.percent / 100) + rule.fixed
            }
            // Zoho Books: payments in, refunds out of Undeposited Funds, then the batch's journals.
            let paid = payments.filter { sales.contains($0["reference_number"] as? String ?? "") }.reduce(Decimal(0)) { $0 + decimal($1["amount"]) }
            let refunded = notes.filter { refunds.contains($0["reference_number"] as? String ?? "") }.reduce(Decimal(0)) { $0 + decimal($1["total"]) }
            let batchJournals = journals.filter { ($0["reference_number"] as? String ?? "").hasPrefix("PT-BATCH-\(number)-") }
            let moved = batchJournals.flatMap { $0["line_items"] as? [[String: Any]] ?? [] }.filter { $0["account_name"] as? String == "Undeposited Funds" }
                .reduce(Decimal(0)) { $0 + decimal($1["amount"]) * ($1["debit_or_credit"] as? String == "credit" ? 1 : -1) }
            #expect(paid - refunded - moved == 0, "Zoho Books clearing for batch \(number): \(paid) in, \(refunded) refunded, \(moved) moved")
            let zohoFees = batchJournals.first { $0["reference_number"] as? String == "PT-BATCH-\(number)-FEES" }.map {
                ($0["line_items"] as? [[String: Any]] ?? []).filter { $0["debit_or_credit"] as? String == "debit" }.reduce(Decimal(0)) {
                    $0 + decimal($1["amount"])
                }
            }
            #expect(zohoFees == fees, "batch \(number)'s fee journal in Books is the schedule's \(fees)")
            // Sage Pro: receipts in, refund journals out of 1050-00, then the batch's journals.
            var references = Set(refunds.map { "\($0)-refund" } + ["PT-BATCH-\(number)-DEPOSIT", "PT-BATCH-\(number)-FEES"])
            for receipt in receipts where sales.contains(receipt["REFERENCE"]?.string ?? "") { references.insert(receipt["RECEIPTNO"]?.string ?? "") }
            let clearing = gl.filter { $0["GLACNT"] == .string("1050-00") && references.contains($0["REFERENCE"]?.string ?? "") }.reduce(Decimal(0)) {
                $0 + decimal($1["DEBIT"]?.string) - decimal($1["CREDIT"]?.string)
            }
            #expect(clearing == 0, "Sage Pro clearing for batch \(number)")
            let sageFees = gl.filter { $0["REFERENCE"] == .string("PT-BATCH-\(number)-FEES") && $0["GLACNT"] == .string("6100-00") }
                .reduce(Decimal(0)) { $0 + decimal($1["DEBIT"]?.string) }
            #expect(sageFees == fees, "batch \(number)'s fee journal in Pro is the schedule's \(fees)")
        }
    }
}
