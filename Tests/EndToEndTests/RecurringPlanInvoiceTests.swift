import Foundation
import Testing
import ClearlineTesting
import Connectors
import Domain
import Engine
import Sandbox
import Persistence

/// Recurring plans that make their invoices (issue 17): each period's invoice is made once in
/// Zoho Books or in Sage Pro (through the agent) while Books loses answers and Pro turns commands
/// away, then charged, and the approved charge is posted as the payment on that invoice; a
/// declined period's retries charge the same invoice.
@Suite("Recurring plans that invoice each period", .requiresDatabase)
struct RecurringPlanInvoiceTests {
    @Test func eachPeriodIsInvoicedOnceInBooksOrProAndPaidOnThatInvoice() async throws {
        let (sandbox, tenant, tenantId, connection) = try await PaymentRequestTests.ownSandbox()
        defer { sandbox.shutdown() }
        let vaultId = "invplan-\(tenant.prefix(8))"
        try PaymentRequestTests.vaultCustomer(VendorFixtures.payTraceClient(sandbox, cacheKey: "invplan-\(tenant)"), vaultId)
        let (zoho, session) = try await VendorFixtures.connectedZohoConnection(tenant, sandbox: sandbox)
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        let contact = try #require(try books.createContact(["contact_name": "Subscriber \(tenant.prefix(8))"])["contact_id"] as? String)
        let (agent, pro) = try await SageInvoicePaymentTests.addAgent(sandbox, tenant: tenant, tenantId: tenantId)
        let custno = try #require(
            try await SageInvoicePaymentTests.apply(agent, .upsertCustomer, "sub-cust", ["company": "Pro Subscriber"])["custno"] as? String)
        let proConnection = agent.connection.uuidString.lowercased()

        func plan(_ amount: String, _ interval: String, invoice: [String: Any], retryDays: [Int]? = nil) async throws -> String {
            var body: [String: Any] = [
                "connection_id": connection, "customer_id": vaultId, "amount": amount, "interval": interval, "starts_on": RecurringPlanTests.today,
                "description": "Support plan", "invoice": invoice,
            ]
            if let retryDays { body["retry_days"] = retryDays }
            let made = try await Client.send("POST", RecurringPlanTests.base(tenant), json: body)
            try #require(made.status == 201, "\(made.text)")
            let shown = try #require(made.json["invoice"] as? [String: Any])
            #expect(shown["connection_id"] as? String == invoice["connection_id"] as? String && shown["customer"] as? String == invoice["customer"] as? String)
            return try #require(made["id"])
        }
        let booksPlan = try await plan("49.00", "month", invoice: ["connection_id": zoho, "customer": contact])
        let proPlan = try await plan("75.50", "month", invoice: ["connection_id": proConnection, "customer": custno])
        // 112.00 is what the sandbox, as PayTrace, declines.
        let declinedPlan = try await plan("112.00", "week", invoice: ["connection_id": zoho, "customer": contact], retryDays: [1])

        sandbox.faults.setChaos([.init(.dropAfterCommit, probability: 0.3, writesOnly: true)], service: "zoho")
        sandbox.faults.setChaos([.init(.status(423, retryAfter: nil), probability: 0.2)], service: "sage")
        let pool = TestWorkers.pool(tenant: tenantId, workers: 3)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        let housekeeping = TestWorkers.housekeeping(tenant: tenantId)
        #expect(try housekeeping.chargeRecurringPlans(at: RecurringPlanTests.at(hours: 1)) == 3)
        #expect(try await Wait.until(120) { try TestWorkers.queueIsEmpty(tenantId) })
        #expect(try housekeeping.chargeRecurringPlans(at: RecurringPlanTests.at(days: 1.01)) == 1, "the declined period's retry")
        #expect(try await Wait.until(120) { try TestWorkers.queueIsEmpty(tenantId) })
        #expect(try housekeeping.chargeRecurringPlans(at: RecurringPlanTests.at(months: 1, hours: 1)) >= 2)
        #expect(try await Wait.until(120) { try TestWorkers.queueIsEmpty(tenantId) })
        for service in ["zoho", "sage"] { sandbox.faults.setChaos([], service: service) }

        // Books: one invoice per period, sent, and paid once by the period's charge.
        for period in 1...2 {
            let reference = "RP-\(booksPlan.replacingOccurrences(of: "-", with: ""))-\(period)"
            let invoices = try books.invoices(referenceNumber: reference).filter { $0["reference_number"] as? String == reference }
            #expect(invoices.count == 1, "\(reference): \(invoices.count) invoices")
            let id = try #require(invoices.first?["invoice_id"] as? String)
            let invoice = try #require(try books.call("GET", "invoices/\(id)")["invoice"] as? [String: Any])
            #expect(invoice["status"] as? String == "paid" && Money.decimal(fromJSON: invoice["balance"]) == 0, "\(invoice)")
            let payments = try books.call("GET", "invoices/\(id)/payments")["payments"] as? [[String: Any]] ?? []
            #expect(payments.count == 1, "\(reference): \(payments.count) payments")
        }
        let booksCharges = try await RecurringPlanTests.charges(tenant, booksPlan)
        #expect(booksCharges.map(\.0) == [1, 2] && booksCharges.allSatisfy { $0.2 == "approved" }, "\(booksCharges)")

        // Pro: one invoice per period in ARMAST, paid by one cash receipt each.
        let proInvoices = (pro.company.rows("ARMAST") ?? []).filter { $0["ORNUM"]?.string?.hasSuffix("-\(proPlan.prefix(8))") == true }
        #expect(proInvoices.count == 2, "\(proInvoices)")
        for invoice in proInvoices {
            let invno = try #require(invoice["INVNO"]?.string)
            #expect(invoice["BALANCE"]?.string == "0.00" && invoice["INVAMT"]?.string == "75.50", "\(invoice)")
            let receipts = (pro.company.rows("ARCASH") ?? []).filter { $0["INVNO"]?.string == invno }
            #expect(receipts.count == 1, "Pro invoice \(invno): \(receipts.count) receipts")
        }

        // The declined period: one invoice, charged twice (the first attempt and its retry), unpaid.
        let reference = "RP-\(declinedPlan.replacingOccurrences(of: "-", with: ""))-1"
        let declinedInvoices = try books.invoices(referenceNumber: reference).filter { $0["reference_number"] as? String == reference }
        #expect(declinedInvoices.count == 1, "\(declinedInvoices)")
        let shown = try await Client.send("GET", "\(RecurringPlanTests.base(tenant))/\(declinedPlan)")
        let attempts = (shown.json["charges"] as? [[String: Any]] ?? []).filter { ($0["plan"] as? [String: Any])?["period"] as? Int == 1 }
        let invoiceIds = Set(attempts.compactMap { ($0["invoice"] as? [String: Any])?["invoice_id"] as? String })
        #expect(attempts.count == 2 && invoiceIds == [declinedInvoices.first?["invoice_id"] as? String], "\(attempts)")
        #expect(attempts.allSatisfy { $0["status"] as? String == "declined" })
        // Its retries spent, the period is reported once, naming its invoice, which is marked in Books.
        #expect(shown["status"] == "past_due", "\(shown.text)")
        let declinedInvoice = try #require(declinedInvoices.first?["invoice_id"] as? String)
        let comments = try books.call("GET", "invoices/\(declinedInvoice)/comments")["comments"] as? [[String: Any]] ?? []
        #expect(comments.contains { ($0["description"] as? String)?.contains("payment failed") == true }, "\(comments)")
        let failed = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.query("SELECT payload::text AS p FROM events WHERE tenant_id = $1 AND type = 'recurring_plan.payment_failed'", [tenantId]).map {
                try $0.string("p")
            }
        }
        let reported = failed.compactMap { JSONValue(parsing: $0)?.object?["recurring_plan"]?.object?["invoice_id"]?.string }
        #expect(failed.count == 1 && reported == [declinedInvoice], "\(failed)")
    }

    @Test func anInvoiceNeedsALedgerConnectionAndACustomer() async throws {
        let (sandbox, tenant, _, connection) = try await PaymentRequestTests.ownSandbox()
        defer { sandbox.shutdown() }
        func problem(_ invoice: Any) async throws -> Reply {
            try await Client.send(
                "POST", RecurringPlanTests.base(tenant),
                json: [
                    "connection_id": connection, "customer_id": "someone", "amount": "10.00", "interval": "month", "starts_on": RecurringPlanTests.today,
                    "invoice": invoice,
                ])
        }
        let payTraceAsLedger = try await problem(["connection_id": connection, "customer": "123"])
        #expect(payTraceAsLedger.status == 422 && payTraceAsLedger.text.contains("invoice.connection_id"), "\(payTraceAsLedger.text)")
        let noCustomer = try await problem(["connection_id": connection])
        #expect(noCustomer.status == 422 && noCustomer.text.contains("invoice.customer"), "\(noCustomer.text)")
        let unknownField = try await problem(["connection_id": connection, "customer": "1", "item": "x"])
        #expect(unknownField.status == 422 && unknownField.text.contains("invoice.item"), "\(unknownField.text)")
        let notAnObject = try await problem("zoho")
        #expect(notAnObject.status == 422 && notAnObject.text.contains("\"invoice\""), "\(notAnObject.text)")
        let listed = try await Client.send("GET", RecurringPlanTests.base(tenant))
        #expect(listed.items.isEmpty, "nothing stored: \(listed.text)")
    }
}
