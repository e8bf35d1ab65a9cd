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
    struct ProTenant {
        let sandbox: SandboxServer
        let tenant: String
        let tenantId: UUID
        let payTrace: String
        let agent: AgentFixtures.Agent
        let running: SageProAgent
        var base: String { "/v1/tenants/\(tenant)/environments/dev" }
    }

    /// A tenant with PayTrace on a sandbox of its own and a Sage Pro agent connection whose
    /// sandbox agent polls the test server.
    static func proTenant() async throws -> ProTenant {
        let (sandbox, tenant, tenantId, payTrace) = try await PaymentRequestTests.ownSandbox()
        let (agent, running) = try await addAgent(sandbox, tenant: tenant, tenantId: tenantId)
        return ProTenant(sandbox: sandbox, tenant: tenant, tenantId: tenantId, payTrace: payTrace, agent: agent, running: running)
    }

    /// A Sage Pro agent connection in the tenant, and `sandbox`'s agent for it, seen polling.
    static func addAgent(_ sandbox: SandboxServer, tenant: String, tenantId: UUID) async throws -> (AgentFixtures.Agent, SageProAgent) {
        let made = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections", json: ["kind": "sage_pro", "name": "Sage Pro"])
        try #require(made.status == 201, "\(made.text)")
        let connectionText = try #require(made["id"])
        let agent = AgentFixtures.Agent(
            tenant: tenantId, connection: try #require(UUID(uuidString: connectionText)), token: try #require(made["enrolment_token"]))
        let running = sandbox.sageAgents.start(
            clearlineURL: URL(string: TestServer.shared.baseURL)!, connectionId: agent.connection, enrolmentToken: agent.token, waitSeconds: 2)
        #expect(try await Wait.until(60) { try AgentFixtures.presence(agent)?.lastSeenAt != nil }, "the agent polled")
        return (agent, running)
    }

    /// A Pro command applied through the agent, and its answer.
    static func apply(_ agent: AgentFixtures.Agent, _ type: SageAgentProtocol.CommandType, _ id: String, _ payload: [String: Any]) async throws
        -> [String: Any]
    {
        try AgentFixtures.result(try await AgentFixtures.completed(agent, try AgentFixtures.enqueue(agent, type, id, payload)))
    }

    @Test func eachApprovedChargeIsOneCashReceiptOnItsProInvoice() async throws {
        let pro = try await Self.proTenant()
        let (sandbox, tenant, tenantId, payTrace, agent, running, base) = (
            pro.sandbox, pro.tenant, pro.tenantId, pro.payTrace, pro.agent, pro.running, pro.base
        )
        defer { sandbox.shutdown() }

        // A Pro customer with twenty open invoices; every fifth is for 112.00, which PayTrace declines.
        let customer = try await Self.apply(agent, .upsertCustomer, "cust-1", ["company": "Pro Customer"])
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
        #expect(try await Wait.until(180) { try PaymentRequestTests.unsettled(tenantId) == 0 }, "every charge decided, and every approved one posted")
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

    /// A schedule collects the Pro invoices due by its day, read through the agent: each customer
    /// is charged as its PayTrace vault id (the prefix and the CUSTNO), once, and each approved
    /// charge is a cash receipt on its invoice; an invoice due next week is left.
    @Test func dueProInvoicesAreCollectedThroughTheAgentAndPaidOnce() async throws {
        let pro = try await Self.proTenant()
        defer { pro.sandbox.shutdown() }
        let custno = try #require(try await Self.apply(pro.agent, .upsertCustomer, "cust-due", ["company": "Due Customer"])["custno"] as? String)
        try PaymentRequestTests.vaultCustomer(VendorFixtures.payTraceClient(pro.sandbox, cacheKey: "pro-due-\(pro.tenant)"), "pro-\(custno)")
        func day(_ offset: Int) -> String { Timestamp.dayText(Date().addingTimeInterval(Double(offset) * 86_400)) }
        var due: [String] = []
        for index in 0..<5 {
            let made = try await Self.apply(
                pro.agent, .createInvoice, "due-\(index)",
                ["custno": custno, "duedate": day(-index), "lines": [["item": "SVC", "qty": "1", "price": "\(60 + index).25"]]])
            due.append(try #require(made["invno"] as? String))
        }
        let later = try #require(
            try await Self.apply(
                pro.agent, .createInvoice, "later", ["custno": custno, "duedate": day(7), "lines": [["item": "SVC", "qty": "1", "price": "70.00"]]])["invno"]
                as? String)

        let schedules = "\(pro.base)/schedules"
        let sage = pro.agent.connection.uuidString.lowercased()
        for (action, field) in [
            (
                ["kind": "collect_due_invoices", "sage_connection_id": sage, "paytrace_connection_id": pro.payTrace, "customer_id_prefix": "pro "],
                "action.customer_id_prefix"
            ),
            (["kind": "collect_due_invoices", "sage_connection_id": pro.payTrace, "paytrace_connection_id": pro.payTrace], "action.sage_connection_id"),
        ] as [([String: Any], String)] {
            let refused = try await Client.send("POST", schedules, json: ["name": "Pro", "cron": "0 1 * * *", "time_zone": "UTC", "action": action])
            #expect(refused.status == 422 && refused.text.contains("\"\(field)\""), "\(action): \(refused.text)")
        }
        let created = try await Client.send(
            "POST", schedules,
            json: [
                "name": "Collect due Pro invoices", "cron": "0 1 * * *", "time_zone": "UTC",
                "action": ["kind": "collect_due_invoices", "sage_connection_id": sage, "paytrace_connection_id": pro.payTrace, "customer_id_prefix": "pro-"],
            ])
        try #require(created.status == 201, "\(created.text)")
        let action = created.json["action"] as? [String: Any]
        #expect(action?["sage_connection_id"] as? String == sage && action?["customer_id_prefix"] as? String == "pro-" && action?["zoho_connection_id"] == nil)

        let pool = TestWorkers.pool(
            tenant: pro.tenantId, workers: 4,
            handlers: [.paymentCharge: PaymentChargeHandler(settleSeconds: 0.3), .dueInvoiceCollection: DueInvoiceCollectionHandler(settleWait: 0.2)])
        pool.start()
        defer { pool.shutdown(grace: 5) }
        #expect(try await Client.send("POST", "\(schedules)/\(try #require(created["id"]))/run", json: [:]).status == 202)
        func balance(_ invno: String) -> String? {
            pro.running.company.rows("ARMAST")?.first { $0["INVNO"] == JSONValue.string(invno) }?["BALANCE"]?.string
        }
        #expect(try await Wait.until(120) { due.allSatisfy { balance($0) == "0.00" } }, "every due invoice paid")
        #expect(try await Wait.until(60) { try TestWorkers.queueIsEmpty(pro.tenantId) })
        let receipts = pro.running.company.rows("ARCASH") ?? []
        for invno in due {
            #expect(receipts.filter { $0["INVNO"] == JSONValue.string(invno) }.count == 1, "invoice \(invno)")
        }
        #expect(balance(later) == "70.00" && !receipts.contains { $0["INVNO"] == JSONValue.string(later) }, "the invoice due next week is left")
        let requests = try await Client.send("GET", "\(pro.base)/payment-requests?limit=50")
        let items = requests.json["items"] as? [[String: Any]] ?? []
        #expect(
            items.count == 5 && items.allSatisfy { $0["customer_id"] as? String == "pro-\(custno)" && $0["status"] as? String == "approved" },
            "\(requests.text)")
        #expect(Set(items.compactMap { ($0["invoice"] as? [String: Any])?["invoice_id"] as? String }) == Set(due))
    }
}
