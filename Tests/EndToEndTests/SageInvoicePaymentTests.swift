import Foundation
import Testing
import ClearlineTesting
import Connectors
import Domain
import Engine
import Persistence
import Sandbox

/// Charges that pay Sage Pro invoices (issue 17): another system asks for a charge of a Pro
/// invoice (its INVNO and CUSTNO); PayTrace charges the customer's card on file exactly once while
/// it loses answers, and each approved charge is posted once as a cash receipt on its invoice
/// through the agent, while Pro turns a quarter of the agent's commands away (a locked record).
@Suite("Sage Pro invoices paid by charges", .requiresDatabase)
struct SageInvoicePaymentTests {
    @Test func eachApprovedChargeIsOneCashReceiptOnItsProInvoice() async throws {
        let (sandbox, tenant, tenantId, payTrace) = try await PaymentRequestTests.ownSandbox()
        defer { sandbox.shutdown() }
        let base = "/v1/tenants/\(tenant)/environments/dev"
        let made = try await Client.send("POST", "\(base)/connections", json: ["kind": "sage_pro", "name": "Sage Pro"])
        try #require(made.status == 201, "\(made.text)")
        let connectionText = try #require(made["id"])
        let agent = AgentFixtures.Agent(
            tenant: tenantId, connection: try #require(UUID(uuidString: connectionText)), token: try #require(made["enrolment_token"]))
        let running = sandbox.sageAgents.start(
            clearlineURL: URL(string: TestServer.shared.baseURL)!, connectionId: agent.connection, enrolmentToken: agent.token, waitSeconds: 2)
        #expect(try await Wait.until(60) { try AgentFixtures.presence(agent)?.lastSeenAt != nil }, "the agent polled")

        // A Pro customer with twenty open invoices; every fifth is for 112.00, which PayTrace declines.
        let customer = try AgentFixtures.result(
            try await AgentFixtures.completed(agent, try AgentFixtures.enqueue(agent, .upsertCustomer, "cust-1", ["company": "Pro Customer"])))
        let custno = try #require(customer["custno"] as? String)
        var invoices: [(invno: String, amount: String)] = []
        for index in 0..<20 {
            let amount = index % 5 == 2 ? "112.00" : "\(40 + index).\(String(format: "%02d", index * 3))"
            let answer = try AgentFixtures.result(
                try await AgentFixtures.completed(
                    agent,
                    try AgentFixtures.enqueue(
                        agent, .createInvoice, "inv-\(index)", ["custno": custno, "lines": [["item": "SVC", "qty": "1", "price": amount]]])
                ))
            invoices.append((try #require(answer["invno"] as? String), amount))
        }
        let vaultId = "pro-\(tenant.prefix(8))"
        try PaymentRequestTests.vaultCustomer(VendorFixtures.payTraceClient(sandbox, cacheKey: "pro-\(tenant)"), vaultId)
        func invoiceLink(_ invno: String, customer: String? = nil) -> [String: Any] {
            ["connection_id": agent.connection.uuidString.lowercased(), "invoice_id": invno, "customer_number": customer ?? custno]
        }

        // What cannot be posted is refused before anything is charged.
        for (invoice, field) in [
            (["connection_id": agent.connection.uuidString.lowercased(), "invoice_id": invoices[0].invno], "invoice.customer_number"),
            (["connection_id": payTrace, "invoice_id": "1", "customer_number": custno], "invoice.connection_id"),
            (["connection_id": agent.connection.uuidString.lowercased(), "invoice_id": " 7", "customer_number": custno], "invoice.invoice_id"),
            (["connection_id": agent.connection.uuidString.lowercased(), "invoice": "7"], "invoice.invoice"),
        ] as [([String: Any], String)] {
            let refused = try await Client.send(
                "POST", "\(base)/payment-requests", json: ["connection_id": payTrace, "customer_id": vaultId, "amount": "1.00", "invoice": invoice])
            #expect(refused.status == 422 && refused.text.contains("\"\(field)\""), "\(invoice): \(refused.status) \(refused.text)")
        }

        var requests: [(id: String, invno: String, amount: String)] = []
        for (index, invoice) in invoices.enumerated() {
            let reply = try await Client.send(
                "POST", "\(base)/payment-requests",
                json: ["connection_id": payTrace, "customer_id": vaultId, "amount": invoice.amount, "invoice": invoiceLink(invoice.invno)],
                headers: ["Idempotency-Key": "pro-\(tenant)-\(index)"])
            try #require(reply.status == 201, "\(reply.text)")
            requests.append((try #require(reply["id"]), invoice.invno, invoice.amount))
        }
        let twice = try await Client.send(
            "POST", "\(base)/payment-requests",
            json: ["connection_id": payTrace, "customer_id": vaultId, "amount": invoices[0].amount, "invoice": invoiceLink(invoices[0].invno)])
        #expect(twice.status == 409, "a second charge of an invoice under way: \(twice.text)")

        sandbox.faults.setChaos(
            [.init(.dropAfterCommit, probability: 0.2, writesOnly: true), .init(.timeout(seconds: 1.5), probability: 0.05)], service: "paytrace")
        // The first three commands Pro sees are turned away (a locked record), then a quarter at random.
        sandbox.faults.inject(.status(423, retryAfter: nil), service: "sage", count: 3)
        sandbox.faults.setChaos([.init(.status(423, retryAfter: nil), probability: 0.25)], service: "sage")
        let pool = TestWorkers.pool(tenant: tenantId, workers: 4, handlers: [.paymentCharge: PaymentChargeHandler(settleSeconds: 2, callTimeout: 1)])
        pool.start()
        func unsettled() throws -> Int {
            try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
                try tx.one(
                    """
                    SELECT count(*) AS n FROM payment_requests WHERE tenant_id = $1
                      AND (status IN ('pending', 'charging') OR (status = 'approved' AND invoice_payment_id IS NULL))
                    """, [tenantId])!.int("n")
            }
        }
        #expect(try await Wait.until(180) { try unsettled() == 0 }, "every charge decided, and every approved one posted")
        pool.shutdown(grace: 5)
        sandbox.faults.setChaos([], service: "paytrace")
        sandbox.faults.setChaos([], service: "sage")

        let receipts = running.company.rows("ARCASH") ?? []
        let ledger = running.company.rows("ARMAST") ?? []
        let client = VendorFixtures.payTraceClient(sandbox, cacheKey: "pro-check-\(tenant)")
        for request in requests {
            let answer = try await Client.send("GET", "\(base)/payment-requests/\(request.id)")
            let reference = try #require(answer["reference"])
            let sales = try PaymentRequestTests.sales(client, reference: reference)
            #expect(sales.count == 1, "\(request.invno): \(sales.count) charges in PayTrace")
            let onInvoice = receipts.filter { $0["INVNO"] == JSONValue.string(request.invno) }
            let invoice = try #require(ledger.first { $0["INVNO"] == JSONValue.string(request.invno) })
            if request.amount == "112.00" {
                #expect(
                    answer["status"] == "declined" && onInvoice.isEmpty && invoice["BALANCE"] == JSONValue.string("112.00"), "\(request.invno): \(answer.text)")
                continue
            }
            let transaction = try #require(answer.json["transaction_id"] as? Int)
            #expect(onInvoice.count == 1, "invoice \(request.invno) has \(onInvoice.count) receipts")
            #expect(onInvoice.first?["REFERENCE"] == JSONValue.string("PT-\(transaction)") && onInvoice.first?["AMOUNT"] == JSONValue.string(request.amount))
            #expect(invoice["BALANCE"] == JSONValue.string("0.00") && invoice["ARSTAT"] == JSONValue.string("P"), "\(invoice)")
            let posted = answer.json["invoice"] as? [String: Any]
            #expect(posted?["payment_id"] as? String == onInvoice.first?["RECEIPTNO"]?.string && posted?["customer_number"] as? String == custno)
        }
        #expect(receipts.count == 16, "sixteen approved charges, sixteen receipts: \(receipts.count)")
        // The faults struck: receipts were handed to the agent again after Pro turned them away.
        let redelivered = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.one(
                "SELECT coalesce(sum(deliveries - 1), 0)::int AS n FROM agent_commands WHERE tenant_id = $1 AND type = 'cash_receipt.post'", [tenantId])!
                .int("n")
        }
        #expect(redelivered >= 3, "receipts delivered again: \(redelivered)")
    }
}
