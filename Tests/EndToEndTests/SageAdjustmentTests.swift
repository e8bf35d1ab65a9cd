import Foundation
import Testing
import ClearlineTesting
import Domain
import Sandbox

/// Refund, void, decline and chargeback through the Sage Pro agent after two sales: the ledger
/// balances, and each account holds what a bookkeeper expects.
@Suite("Refunds, voids, declines and chargebacks into Sage Pro, end to end", .requiresDatabase)
struct SageAdjustmentTests {
    @Test func eachMovementLeavesTheLedgerAsABookkeeperExpects() async throws {
        let agent = try await AgentFixtures.connection()
        let running = try await AgentFixtures.startAgent(agent)
        defer { running.stop() }
        let tenant = agent.tenant.uuidString.lowercased()
        for template in ["paytrace-sage-order-to-erp", "paytrace-sage-adjustments", "chargebacks-sage"] {
            try await FlowFixtures.deployTemplate(tenant, template)
        }
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        let pool = TestWorkers.pool(tenant: agent.tenant)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func settle(_ runs: Int) async throws {
            let done = try await Wait.until(60) {
                try TestServer.shared.database.transaction(.tenant(agent.tenant)) { tx in
                    let rows = try tx.query("SELECT status FROM runs WHERE tenant_id = $1", [agent.tenant]).map { try $0.string("status") }
                    return rows.count == runs && rows.allSatisfy { $0 == "succeeded" }
                }
            }
            #expect(done, "\(runs) runs succeeded")
        }
        func transaction(_ id: Int, _ customer: String, amount: String, status: String, type: String = "SALE") -> String {
            #"{"transaction": {"transaction_id": \#(id), "transaction_type": "\#(type)", "amount": "\#(amount)", "status": "\#(status)", "#
                + #""created_at": "11/21/2026 4:06:30 PM", "customer_id": "\#(customer)", "invoice_id": "Invoice # \#(id)", "billing_address": {"name": "\#(customer)"}}}"#
        }
        func deliver(_ body: String, _ type: String, _ id: String) async throws {
            #expect(try await Hooks.deliver(hook, body, eventId: id, headers: ["Clearline-Event-Type": type]).status == 202)
        }
        // Alder's sale settled; Birch's still pending settlement.
        try await deliver(transaction(5001, "Alder", amount: "108.25", status: "SETTLED"), "paytrace.transaction.sale", "a")
        try await deliver(transaction(5002, "Birch", amount: "50.00", status: "PENDING_SETTLEMENT"), "paytrace.transaction.sale", "b")
        try await settle(2)
        try await deliver(transaction(5003, "Alder", amount: "-25.50", status: "PENDING_SETTLEMENT", type: "REFUND"), "paytrace.transaction.refund", "refund")
        try await deliver(transaction(5002, "Birch", amount: "50.00", status: "VOIDED"), "paytrace.transaction.void", "void")
        try await deliver(transaction(5004, "Cedar", amount: "75.00", status: "DECLINED"), "paytrace.transaction.sale", "decline")
        let chargeback = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/environments/dev/chargebacks",
            json: [
                "case_number": "CB-5001", "transaction_id": "5001", "customer_id": "Alder", "amount": "108.25", "fee": "15", "reason": "Fraud",
                "received_at": "2026-11-21",
            ])
        #expect(chargeback.status == 201)
        try await settle(5)

        let company = try #require(TestSandbox.shared.sageAgents.company(agent.connection))
        let gl = try #require(company.rows("GLTRAN"))
        var balances: [String: Decimal] = [:]
        for row in gl {
            let account = row["GLACNT"]?.string ?? "?"
            balances[account, default: 0] += (Decimal(string: row["DEBIT"]?.string ?? "0") ?? 0) - (Decimal(string: row["CREDIT"]?.string ?? "0") ?? 0)
        }
        #expect(balances.values.reduce(0, +) == 0, "the ledger balances: \(balances)")
        #expect(balances["1000-00"] == Decimal(string: "-123.25"), "cash: 108.25 and 15 charged back, before any deposit: \(balances)")
        #expect(
            balances["1050-00"] == Decimal(string: "82.75"),
            "undeposited funds: Alder's 108.25 less the 25.50 refunded out of the batch, waiting for its deposit; Birch's voided")
        #expect(balances["1200-00"] == 0, "receivables: both invoices were paid")
        #expect(balances["4000-00"] == Decimal(string: "-108.25"), "sales: Alder's stands, Birch's reversed")
        #expect(balances["4900-00"] == Decimal(string: "133.75"), "returns: the refund and the chargeback")
        #expect(balances["6150-00"] == 15, "the chargeback fee")
        let customers = try #require(company.rows("ARCUST"))
        #expect(Set(customers.compactMap { $0["COMPANY"]?.string }) == ["Alder", "Birch"], "nothing for the declined sale")
        #expect(customers.allSatisfy { $0["BALANCE"] == .string("0.00") })
    }
}
