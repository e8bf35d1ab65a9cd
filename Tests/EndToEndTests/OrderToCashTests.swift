import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import ClearlineTesting
import Connectors
import Crypto
import Engine
import Persistence
import Sandbox

/// A PayTrace sale delivered as a webhook runs the deployed order-to-cash flow against the
/// sandbox's Zoho: one contact, sales order, invoice (paid) and payment, and a won deal, once,
/// however often the sale arrives.
@Suite("Order to cash into Zoho, end to end", .requiresDatabase)
struct OrderToCashTests {
    @Test func oneSaleMakesOneOfEachZohoRecordHoweverOftenItArrives() async throws {
        let tenant = try await Fixtures.tenant()
        let session = try await VendorFixtures.connectedZoho(tenant)
        try await FlowFixtures.deployTemplate(tenant)
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        // A digit in it, so it reads as an invoice number.
        let marker = "\(Int.random(in: 10...99))\(UUID().uuidString.prefix(6))"
        let transactionId = Int.random(in: 100_000...999_999_999)
        let sale =
            #"{"transaction": {"transaction_id": \#(transactionId), "transaction_type": "SALE", "amount": "108.25", "status": "SETTLED", "#
            + #""created_at": "11/21/2026 4:06:30 PM", "customer_id": "cust-\#(marker)", "invoice_id": "Invoice # \#(marker)", "receipt_emailed_to": "ap@acme.example", "#
            + #""billing_address": {"name": "Acme \#(marker)", "street": "1 Main St", "city": "Spokane", "state": "WA", "zip": "99201"}}}"#
        // The sale arrives three times under different delivery ids: a shop retrying, PayTrace's poller, a replay.
        for copy in 0..<3 {
            let reply = try await Hooks.deliver(hook, sale, eventId: "sale-\(marker)-\(copy)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"])
            #expect(reply.status == 202, "\(reply.text)")
        }
        let tenantId = try #require(UUID(uuidString: tenant))
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        func statuses() throws -> [String] {
            try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
                try tx.query("SELECT status FROM runs WHERE tenant_id = $1", [tenantId]).map { try $0.string("status") }
            }
        }
        let finished = try await Wait.until(60) {
            let now = try statuses(); return now.count == 3 && now.allSatisfy { $0 != "running" }
        }
        pool.shutdown(grace: 5)
        let final = try statuses()
        #expect(finished, "runs: \(final)")
        #expect(final == ["succeeded", "succeeded", "succeeded"])

        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        let inventory = ZohoInventoryClient(session: session, organizationId: "20071234")
        let contacts = try books.contacts(name: "Acme \(marker)")
        #expect(contacts.count == 1)
        let orders = try inventory.salesOrders(referenceNumber: String(marker))
        #expect(orders.count == 1)
        let invoices = try books.invoices(referenceNumber: String(marker))
        #expect(invoices.count == 1)
        let payments = try books.customerPayments(referenceNumber: "PT-\(transactionId)")
        #expect(payments.count == 1)
        let invoice = try #require(invoices.first)
        #expect(invoice["status"] as? String == "paid", "\(invoice)")
        #expect("\(invoice["total"] ?? "")" == "108.25")
        #expect("\(payments.first?["amount"] ?? "")" == "108.25")
        let dealId = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.one("SELECT external_id FROM run_steps WHERE tenant_id = $1 AND step_id = 'deal' AND status = 'written'", [tenantId])?.optionalString(
                "external_id")
        }
        let deal = try ZohoCRMClient(session: session).record("Deals", id: try #require(dealId))
        #expect(deal?["Stage"] as? String == "Closed Won", "\(String(describing: deal))")
        #expect("\(deal?["Amount"] ?? "")" == "108.25")
        // The Books contact carries the PayTrace customer vault id; the CRM contact the order and its payment.
        #expect((contacts.first?["custom_fields"] as? [[String: Any]])?.first?["value"] as? String == "cust-\(marker)")
        let crmContactId = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.one("SELECT external_id FROM run_steps WHERE tenant_id = $1 AND step_id = 'crm_contact' AND status = 'written'", [tenantId])?.optionalString(
                "external_id")
        }
        let crmContact = try ZohoCRMClient(session: session).record("Contacts", id: try #require(crmContactId))
        #expect(
            crmContact?["Payment_Status"] as? String == "Paid" && crmContact?["Last_Order"] as? String == marker
                && crmContact?["Email"] as? String == "ap@acme.example")
        // Every run's every step came to the same one record: found in the cross-reference
        // (linked), or, for a run that ran alongside the first, found in Zoho and adopted. Which
        // of the two depends on how the three runs interleave; that there is one record does not.
        let outcomes = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.query(
                """
                SELECT step_id, count(*) AS n, count(DISTINCT external_id) AS records,
                       count(*) FILTER (WHERE status NOT IN ('linked', 'written')) AS other
                FROM run_steps WHERE tenant_id = $1 GROUP BY step_id ORDER BY step_id
                """, [tenantId]
            ).map { "\(try $0.string("step_id")) \(try $0.int("n")) runs, \(try $0.int("records")) record, \(try $0.int("other")) other" }
        }
        #expect(
            outcomes == ["contact", "crm_contact", "deal", "invoice", "payment", "salesorder"].map { "\($0) 3 runs, 1 record, 0 other" },
            "\(outcomes)")

        // The operator's view: each run, each step's record, the id Zoho gave it and a link to it.
        let runs = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/runs?status=succeeded")
        #expect(runs.items.count == 3)
        let first = try #require(runs.items.first?["id"] as? String)
        let run = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/runs/\(first)")
        let steps = try #require(run.json["steps"] as? [[String: Any]])
        #expect(steps.map { $0["step"] as? String } == ["contact", "salesorder", "invoice", "payment", "crm_contact", "deal"])
        let invoiceStep = steps[2]
        #expect((invoiceStep["link"] as? String)?.hasPrefix("https://books.zoho.com/app/20071234#/invoices/") == true)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/environments/qa/runs/\(first)").status == 404)
    }

    /// A sale without a receipt email: the CRM contact's condition does not hold, so that step is
    /// recorded skipped when the payment before it commits, with no job of its own, and the deal
    /// after it is still written.
    @Test func aStepWhoseConditionDoesNotHoldIsSkippedWithoutAJob() async throws {
        let tenant = try await Fixtures.tenant()
        _ = try await VendorFixtures.connectedZoho(tenant)
        try await FlowFixtures.deployTemplate(tenant)
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        let marker = "\(Int.random(in: 10...99))\(UUID().uuidString.prefix(6))"
        let sale =
            #"{"transaction": {"transaction_id": \#(Int.random(in: 100_000...999_999_999)), "transaction_type": "SALE", "amount": "12.50", "#
            + #""status": "SETTLED", "created_at": "11/21/2026 4:06:30 PM", "customer_id": "cust-\#(marker)", "invoice_id": "Invoice # \#(marker)", "#
            + #""billing_address": {"name": "Skip \#(marker)"}}}"#
        let reply = try await Hooks.deliver(hook, sale, eventId: "sale-\(marker)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"])
        #expect(reply.status == 202, "\(reply.text)")
        let tenantId = try #require(UUID(uuidString: tenant))
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        let finished = try await Wait.until(60) {
            try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
                try tx.one("SELECT count(*) AS n FROM runs WHERE tenant_id = $1 AND status <> 'running'", [tenantId])?.int("n") == 1
            }
        }
        pool.shutdown(grace: 5)
        #expect(finished)
        let (steps, jobs) = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            (
                try tx.query("SELECT step_id, status, detail FROM run_steps WHERE tenant_id = $1 ORDER BY position", [tenantId]).map {
                    "\(try $0.string("step_id")) \(try $0.string("status"))"
                },
                try tx.query(
                    "SELECT (payload->>'position')::int AS position FROM job_history WHERE tenant_id = $1 AND kind = 'flow.step' ORDER BY 1", [tenantId]
                ).map { try $0.int("position") }
            )
        }
        #expect(steps == ["contact written", "salesorder written", "invoice written", "payment written", "crm_contact skipped", "deal written"], "\(steps)")
        #expect(jobs == [0, 1, 2, 3, 5], "\(jobs)")
        let detail = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.one("SELECT detail FROM run_steps WHERE tenant_id = $1 AND step_id = 'crm_contact'", [tenantId])?.optionalString("detail")
        }
        #expect(detail == "its condition does not hold for this event")
    }

    /// Thirty deliveries (ten sales, each three times) while the sandbox's Zoho loses a fifth of
    /// its writes' answers after committing them and answers 429 and 503 at random: no record twice,
    /// every run finished or dead with a reason, and the dead ones complete when replayed after.
    @Test func lostAnswersAndThrottlingNeverDuplicateARecord() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let session = try await VendorFixtures.connectedZoho(tenant, sandbox: sandbox)
        try await FlowFixtures.deployTemplate(tenant)
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        let sales = (0..<10).map { index in (marker: "\(10 + index)\(UUID().uuidString.prefix(6))", transaction: 1_000_000 + index * 7 + Int.random(in: 0...6))
        }
        for copy in 0..<3 {
            for sale in sales {
                let body =
                    #"{"transaction": {"transaction_id": \#(sale.transaction), "transaction_type": "SALE", "amount": "19.99", "#
                    + #""status": "SETTLED", "created_at": "11/21/2026 4:06:30 PM", "customer_id": "cust-\#(sale.marker)", "invoice_id": "INV-\#(sale.marker)", "#
                    + #""billing_address": {"name": "Chaos \#(sale.marker)"}}}"#
                let reply = try await Hooks.deliver(
                    hook, body, eventId: "chaos-\(sale.marker)-\(copy)",
                    headers: ["Clearline-Event-Type": "paytrace.transaction.sale"])
                try #require(reply.status == 202)
            }
        }
        sandbox.faults.setChaos(
            [
                .init(.dropAfterCommit, probability: 0.2, writesOnly: true), .init(.status(503, retryAfter: nil), probability: 0.1),
                .init(.status(429, retryAfter: 0), probability: 0.05),
            ], service: "zoho")
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        func pending() throws -> Int {
            try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
                try tx.one("SELECT count(*) AS n FROM jobs WHERE tenant_id = $1", [tenantId])!.int("n")
            }
        }
        func runs() throws -> [String: Int] {
            try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
                Dictionary(
                    uniqueKeysWithValues: try tx.query("SELECT status, count(*) AS n FROM runs WHERE tenant_id = $1 GROUP BY status", [tenantId])
                        .map { (try $0.string("status"), try $0.int("n")) })
            }
        }
        #expect(try await Wait.until(120) { try pending() == 0 }, "the queue drained under faults")
        sandbox.faults.setChaos([], service: "zoho")
        // With the queue drained, a run whose step gave up reads failed (with the reason), never running.
        let drained = try runs()
        #expect(drained["running"] == nil, "\(drained)")
        let dead = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/dead-letters?limit=100")
        let reasons = dead.items.compactMap { $0["last_error"] as? String }
        #expect(reasons.count == dead.items.count, "every dead letter says why")
        if !dead.items.isEmpty {
            #expect(try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/dead-letters/replay", json: [:]).status == 202)
        }
        #expect(try await Wait.until(60) { try pending() == 0 && (try runs()["running"] ?? 0) == 0 })
        pool.shutdown(grace: 5)
        #expect(try runs() == ["succeeded": 30], "dead letters before the replay: \(dead.items.count)")
        let failedAttempts = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.one("SELECT count(*) AS n FROM job_attempts WHERE tenant_id = $1 AND outcome = 'failed'", [tenantId])!.int("n")
        }
        // The faults did strike (about a third of some 150 writes): the test is not vacuous.
        #expect(failedAttempts >= 10, "only \(failedAttempts) failed attempts")
        // The operator sees the retries on the run's steps, with the reason in plain words.
        var retried: [[String: Any]] = []
        for run in try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/runs?limit=100").items {
            let steps =
                try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/runs/\(run["id"] as? String ?? "")").json["steps"] as? [[String: Any]]
                ?? []
            retried += steps.filter { ($0["failed_attempts"] as? Int ?? 0) > 0 }
        }
        #expect(
            !retried.isEmpty
                && retried.allSatisfy { ($0["last_error"] as? String ?? "").contains("Zoho") || ($0["last_error"] as? String ?? "").contains("HTTP") },
            "\(retried.prefix(3).map { $0["last_error"] ?? "" })")

        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        let inventory = ZohoInventoryClient(session: session, organizationId: "20071234")
        for sale in sales {
            #expect(try books.contacts(name: "Chaos \(sale.marker)").count == 1, "contact of \(sale.marker)")
            #expect(try inventory.salesOrders(referenceNumber: sale.marker).count == 1, "sales order of \(sale.marker)")
            let invoices = try books.invoices(referenceNumber: sale.marker)
            #expect(invoices.count == 1, "invoice of \(sale.marker)")
            #expect(invoices.first?["status"] as? String == "paid")
            let payments = try books.customerPayments(referenceNumber: "PT-\(sale.transaction)")
            #expect(payments.count == 1, "payment of \(sale.marker)")
            // Books numbers records in creation order: the payment came after its invoice, and paid it.
            let invoiceId = invoices.first?["invoice_id"] as? String ?? "", paymentId = payments.first?["payment_id"] as? String ?? ""
            #expect((Int(paymentId) ?? 0) > (Int(invoiceId) ?? .max), "a payment never posts before its invoice exists")
            #expect((payments.first?["invoices"] as? [[String: Any]])?.first?["invoice_id"] as? String == invoiceId)
        }
    }

    /// Two sales naming the same invoice: the second payment would pay it twice. Books refuses,
    /// and the run is held for review with Books' reason instead of retrying or writing around it.
    @Test func aSecondPaymentForAPaidInvoiceIsHeldForReview() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let session = try await VendorFixtures.connectedZoho(tenant)
        try await FlowFixtures.deployTemplate(tenant)
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        let marker = "\(Int.random(in: 10...99))\(UUID().uuidString.prefix(6))"
        let first = Int.random(in: 20_000_000...29_999_999)
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func runs() throws -> [(String, String?)] {
            try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
                try tx.query("SELECT status, detail FROM runs WHERE tenant_id = $1 ORDER BY created_at", [tenantId]).map {
                    (try $0.string("status"), $0.optionalString("detail"))
                }
            }
        }
        for (index, transaction) in [first, first + 1].enumerated() {
            let sale =
                #"{"transaction": {"transaction_id": \#(transaction), "transaction_type": "SALE", "amount": "40.00", "status": "SETTLED", "#
                + #""created_at": "11/21/2026 4:06:30 PM", "customer_id": "dup-\#(marker)", "invoice_id": "Invoice # \#(marker)", "billing_address": {"name": "Dup \#(marker)"}}}"#
            #expect(
                try await Hooks.deliver(hook, sale, eventId: "dup-\(marker)-\(index)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"]).status
                    == 202)
            #expect(
                try await Wait.until(30) {
                    let now = try runs(); return now.count == index + 1 && now.allSatisfy { $0.0 != "running" }
                })
        }
        let final = try runs()
        #expect(final.map(\.0) == ["succeeded", "review"], "\(final)")
        #expect(final.last?.1?.contains("exceeds the balance") == true, "\(final)")
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        #expect(try books.invoices(referenceNumber: marker).count == 1)
        #expect(try books.customerPayments(referenceNumber: "PT-\(first)").count == 1)
        #expect(try books.customerPayments(referenceNumber: "PT-\(first + 1)").isEmpty)
    }

    /// Books keeps contact names unique whatever their case: a customer a bookkeeper already
    /// typed in as "ACME …" is the one the sale's "Acme …" pays, not a refusal held for review.
    @Test func aContactAlreadyInBooksUnderAnotherCaseIsTheOneUsed() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let session = try await VendorFixtures.connectedZoho(tenant)
        try await FlowFixtures.deployTemplate(tenant)
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        let marker = "\(Int.random(in: 10...99))\(UUID().uuidString.prefix(6))"
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        let typed = try #require(try books.createContact(["contact_name": "ACME CASE \(marker.uppercased())"])["contact_id"] as? String)
        let sale =
            #"{"transaction": {"transaction_id": \#(Int.random(in: 30_000_000...39_999_999)), "transaction_type": "SALE", "amount": "12.00", "#
            + #""status": "SETTLED", "created_at": "11/21/2026 4:06:30 PM", "customer_id": "case-\#(marker)", "invoice_id": "Invoice # \#(marker)", "#
            + #""billing_address": {"name": "Acme Case \#(marker.lowercased())"}}}"#
        #expect(try await Hooks.deliver(hook, sale, eventId: "case-\(marker)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"]).status == 202)
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func run() throws -> (status: String, detail: String?)? {
            try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
                try tx.one("SELECT status, detail FROM runs WHERE tenant_id = $1", [tenantId]).map { (try $0.string("status"), $0.optionalString("detail")) }
            }
        }
        #expect(try await Wait.until(30) { try run().map { $0.status != "running" } ?? false })
        let finished = try run()
        #expect(finished?.status == "succeeded", "\(String(describing: finished))")
        let contact = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.one("SELECT external_id FROM run_steps WHERE tenant_id = $1 AND step_id = 'contact' AND status = 'written'", [tenantId])?.optionalString(
                "external_id")
        }
        #expect(contact == typed)
        #expect(try books.contacts(name: "acme case \(marker)").count == 1)
        #expect(try books.invoices(referenceNumber: marker).first?["customer_id"] as? String == typed)
    }
}
