import Foundation
import Testing
import ClearlineTesting
import Domain
import Persistence
import Sandbox

/// The order-to-ERP template through the Sage Pro agent: a settled PayTrace sale becomes a
/// customer, sales order, invoice and cash receipt into undeposited funds in the sandbox's Sage
/// Pro, once, with the balances a bookkeeper expects (the batch's deposit is reconciliation's).
@Suite("Order to ERP into Sage Pro through the agent, end to end", .requiresDatabase)
struct SageOrderToERPTests {
    @Test func aSettledSaleBecomesCustomerOrderInvoiceAndReceiptOnce() async throws {
        let agent = try await AgentFixtures.connection()
        let running = try await AgentFixtures.startAgent(agent)
        defer { running.stop() }
        let tenant = agent.tenant.uuidString.lowercased()
        try await FlowFixtures.deployTemplate(tenant, "paytrace-sage-order-to-erp")
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        let sale =
            #"{"transaction": {"transaction_id": 4242, "transaction_type": "SALE", "amount": "108.25", "status": "SETTLED", "#
            + #""created_at": "11/21/2026 4:06:30 PM", "customer_id": "acme-9", "invoice_id": "Invoice # 0042", "#
            + #""billing_address": {"name": "Acme Outdoor", "street": "1 Main St", "city": "Spokane", "state": "WA", "zip": "99201"}}}"#
        for copy in 0..<2 {
            let reply = try await Hooks.deliver(hook, sale, eventId: "erp-sale-\(copy)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"])
            #expect(reply.status == 202)
        }
        let pool = TestWorkers.pool(tenant: agent.tenant)
        pool.start()
        func statuses() throws -> [String] {
            try TestServer.shared.database.transaction(.tenant(agent.tenant)) { tx in
                try tx.query("SELECT status FROM runs WHERE tenant_id = $1", [agent.tenant]).map { try $0.string("status") }
            }
        }
        let finished = try await Wait.until(60) {
            let now = try statuses(); return now.count == 2 && !now.contains("running")
        }
        pool.shutdown(grace: 5)
        let final = try statuses()
        #expect(finished && final == ["succeeded", "succeeded"], "\(final)")

        let company = try #require(TestSandbox.shared.sageAgents.company(agent.connection))
        let customers = try #require(company.rows("ARCUST"))
        #expect(customers.count == 1)
        #expect(customers.first?["COMPANY"] == .string("Acme Outdoor"))
        #expect(customers.first?["BALANCE"] == .string("0.00"), "the receipt paid the invoice")
        #expect(company.rows("SOMAST")?.count == 1)
        #expect(company.rows("SOMAST")?.first?["PONUM"] == .string("0042"))
        let invoices = try #require(company.rows("ARMAST"))
        #expect(invoices.count == 1)
        #expect(invoices.first?["ARSTAT"] == .string("P"))
        #expect(company.rows("ARCASH")?.count == 1)
        #expect(company.rows("ARCASH")?.first?["AMOUNT"] == .string("108.25"))
        let gl = try #require(company.rows("GLTRAN"))
        let debits = gl.compactMap { Decimal(string: $0["DEBIT"]?.string ?? "") }.reduce(0, +)
        let credits = gl.compactMap { Decimal(string: $0["CREDIT"]?.string ?? "") }.reduce(0, +)
        #expect(debits == credits, "the ledger balances")
        // The receipt waits in undeposited funds: the settlement's journals move the batch to cash.
        let undeposited = gl.filter { $0["GLACNT"] == .string("1050-00") }
            .reduce(Decimal(0)) { $0 + (Decimal(string: $1["DEBIT"]?.string ?? "0") ?? 0) - (Decimal(string: $1["CREDIT"]?.string ?? "0") ?? 0) }
        #expect(undeposited == Decimal(string: "108.25"))
        #expect(!gl.contains { $0["GLACNT"] == .string("1000-00") }, "nothing reaches cash before the batch's deposit")
    }
}
