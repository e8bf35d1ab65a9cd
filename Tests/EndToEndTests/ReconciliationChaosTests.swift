import Foundation
import Testing
import ClearlineTesting
import Connectors
import Persistence
import Sandbox

/// Exactly once under chaos: a settled batch is reconciled and posted three times while Zoho
/// Books and the Sage Pro agent drop a fifth of their answers after committing the write and
/// answer 429 or 503 at random. Every run still ends balanced, and each journal exists once in
/// each ledger.
@Suite("Reconciliation under chaos, exactly once", .requiresDatabase)
struct ReconciliationChaosTests {
    @Test func threeRunsUnderChaosPostEachJournalOnceInEachLedger() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let ledgers = try await AgentFixtures.threeLedgers(sandbox, templates: ["paytrace-zoho-order-to-cash", "paytrace-sage-order-to-erp"])
        let (agent, tenant, tenantText, base, session, connectionId) = (
            ledgers.agent, ledgers.tenant, ledgers.tenantText, ledgers.base, ledgers.session, ledgers.payTrace
        )
        try await VendorFixtures.flatFees(tenantText, payTrace: connectionId)
        let client = VendorFixtures.payTraceClient(sandbox, cacheKey: "chaos-\(tenantText)")
        let hook = try await Hooks.endpoint(tenantText, source: "paytrace")
        let created = SettlementRecorderDates.payTraceTime(Date())
        for (index, amount) in ["41.00", "18.75", "260.10"].enumerated() {
            let id = try #require(
                try client.call(
                    "v1/transactions/sale/keyed",
                    ["amount": amount, "credit_card": ["number": "4012000098765439", "expiration_month": 12, "expiration_year": 2031]]
                ).transactionId)
            let body =
                #"{"transaction": {"transaction_id": \#(id), "transaction_type": "SALE", "amount": "\#(amount)", "status": "PENDING_SETTLEMENT", "#
                + #""created_at": "\#(created)", "customer_id": "chaos-\#(tenantText.prefix(8))-\#(index)", "billing_address": {"name": "Chaos \#(index)"}}}"#
            #expect(try await Hooks.deliver(hook, body, eventId: "chaos-\(id)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"]).status == 202)
        }
        let pool = TestWorkers.pool(tenant: tenant, workers: 4)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func idle() async throws -> Bool {
            try await Wait.until(240) {
                try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
                    try tx.one("SELECT count(*) AS n FROM jobs WHERE tenant_id = $1", [tenant])!.int("n") == 0
                }
            }
        }
        #expect(try await idle())
        _ = try client.call("v1/transactions/settle", [:])
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        #expect(try await Client.send("POST", base + "/settlements/backfill", json: ["connection_id": connectionId, "from": today, "to": today]).status == 202)
        #expect(try await idle())
        let settlement = try #require((try await Client.send("GET", base + "/settlements")).items.first)
        let settlementId = try #require(settlement["id"] as? String), batch = try #require(settlement["batch_number"] as? Int)

        // Chaos in Books and in the agent. An answer the agent lost comes back when its lease
        // runs out; time is hurried along by ending the leases of commands handed out over a
        // second ago (as two minutes passing would), so the test waits on conditions, not clocks.
        let rules: [FaultInjector.ChaosRule] = [
            .init(.dropAfterCommit, probability: 0.2, writesOnly: true), .init(.status(503, retryAfter: nil), probability: 0.05),
            .init(.status(429, retryAfter: 0), probability: 0.05),
        ]
        for service in ["zoho", "sage"] { sandbox.faults.setChaos(rules, service: service) }
        let hurry = Task {
            while !Task.isCancelled {
                _ = try? TestServer.shared.database.transaction(.tenant(tenant)) { tx in
                    try tx.query(
                        """
                        UPDATE agent_commands SET lease_until = now() WHERE tenant_id = $1 AND status = 'delivered'
                          AND lease_until > now() AND lease_until < now() + interval '119 seconds'
                        """, [tenant])
                }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        for _ in 0..<3 {
            #expect(try await Client.send("POST", base + "/reconciliations", json: ["settlement_id": settlementId]).status == 202)
            #expect(try await Client.send("POST", base + "/settlements/\(settlementId)/post").status == 202)
            #expect(try await idle(), "the queue drained under chaos")
        }
        hurry.cancel()
        for service in ["zoho", "sage"] { sandbox.faults.setChaos([], service: service) }

        let runs = (try await Client.send("GET", base + "/reconciliations?settlement_id=\(settlementId)")).items
        #expect(runs.count == 4 && runs.allSatisfy { $0["status"] as? String == "balanced" }, "\(runs)")
        let postings = (try await Client.send("GET", base + "/settlements/\(settlementId)")).json["postings"] as? [[String: Any]] ?? []
        #expect(
            Set(postings.map { "\($0["system"] ?? "") \($0["kind"] ?? "")" }) == ["zoho_books deposit", "zoho_books fees", "sage_pro deposit", "sage_pro fees"])
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        let journals = try books.all("journals", key: "journals", query: ["reference_number_startswith": "PT-BATCH-\(batch)-"])
        #expect(
            journals.compactMap { $0["reference_number"] as? String }.sorted() == ["PT-BATCH-\(batch)-DEPOSIT", "PT-BATCH-\(batch)-FEES"], "\(journals.count)")
        let gl = try #require(sandbox.sageAgents.company(agent.connection)?.rows("GLTRAN"))
        let entries = Dictionary(grouping: gl.filter { $0["REFERENCE"]?.string?.hasPrefix("PT-BATCH-\(batch)-") == true }) { $0["REFERENCE"]?.string ?? "" }
        #expect(entries.keys.sorted() == ["PT-BATCH-\(batch)-DEPOSIT", "PT-BATCH-\(batch)-FEES"])
        #expect(entries.values.allSatisfy { Set($0.compactMap { $0["ENTRYNO"]?.string }).count == 1 }, "each journal one Pro entry")
    }
}
