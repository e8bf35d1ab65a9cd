import Foundation
import Testing
import ClearlineTesting
import Connectors
import Domain
import Engine
import Persistence
import Sandbox

/// Due invoices collected (issue 17): a schedule whose action collects the Zoho Books invoices
/// due by its day turns each into a charge of the customer's PayTrace vault profile, and posts
/// each approved charge back on its invoice as a payment, once, while both vendors lose answers.
@Suite("Due Zoho Books invoices charged and paid", .requiresDatabase)
struct DueInvoiceCollectionTests {
    static func schedules(_ tenant: String) -> String { "/v1/tenants/\(tenant)/environments/dev/schedules" }

    static func day(_ offset: Int) -> String { Timestamp.dayText(Date().addingTimeInterval(Double(offset) * 86_400)) }

    @Test func dueInvoicesAreChargedOnceAndPaidOnceWhateverTheVendorsLose() async throws {
        let (sandbox, tenant, tenantId, payTrace) = try await PaymentRequestTests.ownSandbox()
        defer { sandbox.shutdown() }
        let (zoho, session) = try await VendorFixtures.connectedZohoConnection(tenant, sandbox: sandbox)
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        let vaultId = "due-\(tenant.prefix(8))"
        try PaymentRequestTests.vaultCustomer(VendorFixtures.payTraceClient(sandbox, cacheKey: "due-\(tenant)"), vaultId)
        let linked = try #require(
            try books.createContact([
                "contact_name": "Linked \(tenant.prefix(8))", "custom_fields": [["api_name": "cf_paytrace_customer_id", "value": vaultId]],
            ])["contact_id"] as? String)
        let unlinked = try #require(try books.createContact(["contact_name": "Unlinked \(tenant.prefix(8))"])["contact_id"] as? String)

        func invoice(_ contact: String, _ rate: String, due: Int, send: Bool = true) throws -> String {
            let made = try books.createInvoice([
                "customer_id": contact, "date": Self.day(-30), "due_date": Self.day(due),
                "line_items": [["name": "Service", "rate": rate, "quantity": 1], ["name": "Parts", "rate": "10.05", "quantity": 2]],
            ])
            let id = try #require(made["invoice_id"] as? String)
            if send { try books.markInvoiceSent(id) }
            return id
        }
        // Eight due (today or earlier) for the customer with a vault profile; one due next week,
        // one still a draft, and one for a customer with no profile, none of which is charged.
        let due = try (0..<8).map { try invoice(linked, "\(100 + $0).\(String(format: "%02d", $0 * 7))", due: -$0) }
        let later = try invoice(linked, "55.00", due: 7)
        let draft = try invoice(linked, "66.00", due: 0, send: false)
        let noProfile = try invoice(unlinked, "77.00", due: -1)

        let created = try await Client.send(
            "POST", Self.schedules(tenant),
            json: [
                "name": "Collect due invoices", "cron": "0 1 * * *", "time_zone": "UTC",
                "action": ["kind": "collect_due_invoices", "zoho_connection_id": zoho, "paytrace_connection_id": payTrace],
            ])
        try #require(created.status == 201, "\(created.text)")
        #expect((created.json["action"] as? [String: Any])?["kind"] as? String == "collect_due_invoices", "\(created.text)")
        let schedule = try #require(created["id"])

        sandbox.faults.setChaos([.init(.dropAfterCommit, probability: 0.2, writesOnly: true)], service: "paytrace")
        sandbox.faults.setChaos([.init(.dropAfterCommit, probability: 0.2, writesOnly: true)], service: "zoho")
        let pool = TestWorkers.pool(
            tenant: tenantId, workers: 4,
            handlers: [.paymentCharge: PaymentChargeHandler(settleSeconds: 0.3), .dueInvoiceCollection: DueInvoiceCollectionHandler(settleWait: 0.2)])
        pool.start()
        defer { pool.shutdown(grace: 5) }
        #expect(try await Client.send("POST", "\(Self.schedules(tenant))/\(schedule)/run", json: [:]).status == 202)

        func status(_ invoice: String) throws -> String {
            (try books.call("GET", "invoices/\(invoice)")["invoice"] as? [String: Any])?["status"] as? String ?? ""
        }
        #expect(try await Wait.until(120) { try due.allSatisfy { try status($0) == "paid" } }, "every due invoice paid")
        #expect(try await Wait.until(60) { try TestWorkers.queueIsEmpty(tenantId) })

        // Run again (every invoice paid): nothing new is charged.
        #expect(try await Client.send("POST", "\(Self.schedules(tenant))/\(schedule)/run", json: [:]).status == 202)
        #expect(try await Wait.until(60) { try TestWorkers.queueIsEmpty(tenantId) })
        sandbox.faults.setChaos([], service: "paytrace")
        sandbox.faults.setChaos([], service: "zoho")

        let requests = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/payment-requests?limit=100")
        let items = requests.json["items"] as? [[String: Any]] ?? []
        #expect(items.count == 8, "one request per due invoice: \(items.count)")
        #expect(Set(items.compactMap { ($0["invoice"] as? [String: Any])?["invoice_id"] as? String }) == Set(due))
        #expect(items.allSatisfy { $0["status"] as? String == "approved" && ($0["invoice"] as? [String: Any])?["payment_id"] is String }, "\(items)")
        for invoice in due {
            let payments = try books.call("GET", "invoices/\(invoice)/payments")["payments"] as? [[String: Any]] ?? []
            #expect(payments.count == 1, "invoice \(invoice) has \(payments.count) payments")
        }
        // Each charged once in PayTrace, and posted once in Books, whatever answers were lost (a
        // second payment would not show on the paid invoice: Books keeps it as the customer's credit).
        let client = VendorFixtures.payTraceClient(sandbox, cacheKey: "due-check-\(tenant)")
        for item in items {
            let reference = try #require(item["reference"] as? String)
            #expect(try PaymentRequestTests.sales(client, reference: reference).count == 1, "\(reference)")
            let transaction = try #require(item["transaction_id"] as? Int)
            #expect(try books.customerPayments(referenceNumber: String(transaction)).count == 1, "payments of transaction \(transaction)")
        }
        #expect(try status(later) == "sent" && status(draft) == "draft" && status(noProfile) == "sent")
        let alerts = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.query("SELECT message FROM alerts WHERE tenant_id = $1 AND kind = 'invoice_collection'", [tenantId]).map { try $0.string("message") }
        }
        #expect(alerts.count == 1 && alerts[0].contains("no PayTrace customer id"), "\(alerts)")
    }

    /// A tenant with PayTrace and Zoho connections to a sandbox of its own, a vault customer and
    /// a Books contact that carries its vault id.
    static func collectingTenant() async throws -> (
        sandbox: SandboxServer, tenantId: UUID, collection: DueInvoiceCollection, books: ZohoBooksClient, contact: String
    ) {
        let (sandbox, tenant, tenantId, payTrace) = try await PaymentRequestTests.ownSandbox()
        let (zoho, session) = try await VendorFixtures.connectedZohoConnection(tenant, sandbox: sandbox)
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        let vaultId = "dun-\(tenant.prefix(8))"
        try PaymentRequestTests.vaultCustomer(VendorFixtures.payTraceClient(sandbox, cacheKey: "dun-\(tenant)"), vaultId)
        let contact = try #require(
            try books.createContact([
                "contact_name": "Dunned \(tenant.prefix(8))", "custom_fields": [["api_name": "cf_paytrace_customer_id", "value": vaultId]],
            ])["contact_id"] as? String)
        let collection = DueInvoiceCollection(
            ledgerConnectionId: try #require(UUID(uuidString: zoho)), payTraceConnectionId: try #require(UUID(uuidString: payTrace)))
        return (sandbox, tenantId, collection, books, contact)
    }

    /// A sent invoice of `contact` for `amount`, due today.
    static func dueInvoice(_ books: ZohoBooksClient, _ contact: String, _ amount: String) throws -> String {
        let made = try books.createInvoice([
            "customer_id": contact, "date": day(-30), "due_date": day(0), "line_items": [["name": "Service", "rate": amount, "quantity": 1]],
        ])
        let id = try #require(made["invoice_id"] as? String)
        try books.markInvoiceSent(id)
        return id
    }

    /// One scan at `at` (the clock the test drives), run to its end.
    static func collect(_ tenantId: UUID, _ collection: DueInvoiceCollection, at: Date) async throws {
        try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            _ = try JobQueue.enqueue(
                tx,
                [
                    NewJob(
                        tenantId: tenantId, environment: .dev, kind: .dueInvoiceCollection,
                        payload: DueInvoiceScan(scheduleId: nil, collection: collection, at: at, dueBy: day(0)).json.canonicalText)
                ])
        }
        #expect(try await Wait.until(60) { try TestWorkers.queueIsEmpty(tenantId) })
    }

    /// The requests collections made for `invoice`: (attempt, status).
    static func attempts(_ tenantId: UUID, _ invoice: String) throws -> [(Int, String)] {
        try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.query(
                "SELECT collection_attempt, status FROM payment_requests WHERE tenant_id = $1 AND invoice_id = $2 ORDER BY collection_attempt",
                [tenantId, invoice]
            ).map { (try $0.int("collection_attempt"), try $0.string("status")) }
        }
    }

    /// Dunning with the clock driven by the test: an invoice PayTrace declines (the sandbox
    /// declines 112.00) is charged again 1, 3 and 7 days after its first attempt and not between;
    /// after the last it is commented in Books, reported once as an event and an alert, and never
    /// charged again. An invoice approved at once is charged once.
    @Test func aDeclinedInvoiceIsRetriedOnItsRetryDaysThenMarkedAndReported() async throws {
        let (sandbox, tenantId, collection, books, contact) = try await Self.collectingTenant()
        defer { sandbox.shutdown() }
        let declined = try Self.dueInvoice(books, contact, "112.00")
        let approved = try Self.dueInvoice(books, contact, "48.10")
        let pool = TestWorkers.pool(tenant: tenantId, workers: 2, handlers: [.dueInvoiceCollection: DueInvoiceCollectionHandler(settleWait: 0.2)])
        pool.start()
        defer { pool.shutdown(grace: 5) }

        let start = Date()
        var expected = 0
        for (days, attemptsAfter) in [(0.0, 1), (0.5, 1), (1.0, 2), (2.9, 2), (3.0, 3), (6.5, 3), (7.0, 4), (8.0, 4), (30.0, 4)] {
            try await Self.collect(tenantId, collection, at: start.addingTimeInterval(days * 86_400))
            let made = try Self.attempts(tenantId, declined)
            #expect(made.map(\.0) == Array(1...attemptsAfter) && made.allSatisfy { $0.1 == "declined" }, "day \(days): \(made)")
            expected = attemptsAfter
        }
        #expect(expected == 4)
        #expect(try Self.attempts(tenantId, approved).map(\.1) == ["approved"])
        let comments = try books.call("GET", "invoices/\(declined)/comments")["comments"] as? [[String: Any]] ?? []
        #expect(comments.count == 1 && (comments.first?["description"] as? String)?.contains("declined 4 times") == true, "\(comments)")
        let reported = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            (
                try tx.one("SELECT count(*) AS n FROM events WHERE tenant_id = $1 AND type = 'invoice_collection.failed'", [tenantId])!.int("n"),
                try tx.one("SELECT count(*) AS n FROM alerts WHERE tenant_id = $1 AND subject = $2", [tenantId, "zoho_invoice:\(declined)"])!.int("n")
            )
        }
        #expect(reported.0 == 1 && reported.1 == 1, "events, alerts: \(reported)")
        let status = (try books.call("GET", "invoices/\(declined)")["invoice"] as? [String: Any])?["status"] as? String
        #expect(status == "sent", "still owed: \(status ?? "")")
    }

    /// A scan crosses pages (three invoices a page here), each page committed with the next's
    /// job, and Books' shrinking list (paid invoices leave it while the scan runs) misses none:
    /// a pass that made requests is followed by another.
    @Test func aScanOfManyPagesMissesNoInvoiceAsPaidOnesLeaveTheList() async throws {
        let (sandbox, tenantId, collection, books, contact) = try await Self.collectingTenant()
        defer { sandbox.shutdown() }
        let invoices = try (0..<11).map { try Self.dueInvoice(books, contact, "\(30 + $0).25") }
        let pool = TestWorkers.pool(tenant: tenantId, workers: 4, handlers: [.dueInvoiceCollection: DueInvoiceCollectionHandler(perPage: 3, settleWait: 0.2)])
        pool.start()
        defer { pool.shutdown(grace: 5) }
        try await Self.collect(tenantId, collection, at: Date())
        for invoice in invoices {
            #expect(try Self.attempts(tenantId, invoice).map(\.1) == ["approved"], "invoice \(invoice)")
        }
        #expect(
            try await Wait.until(60) {
                try invoices.allSatisfy { (try books.call("GET", "invoices/\($0)")["invoice"] as? [String: Any])?["status"] as? String == "paid" }
            })
    }

    @Test func anActionNamesConnectionsOfItsKind() async throws {
        let tenant = try await Fixtures.tenant()
        let payTrace = try await VendorFixtures.payTrace(tenant)
        let wrongKind = try await Client.send(
            "POST", Self.schedules(tenant),
            json: [
                "name": "Collect", "cron": "0 1 * * *",
                "action": ["kind": "collect_due_invoices", "zoho_connection_id": payTrace, "paytrace_connection_id": payTrace],
            ])
        #expect(wrongKind.status == 422 && wrongKind.text.contains("action.zoho_connection_id"), "\(wrongKind.text)")
        let unknownKind = try await Client.send(
            "POST", Self.schedules(tenant), json: ["name": "Collect", "cron": "0 1 * * *", "action": ["kind": "charge_everyone"]])
        #expect(unknownKind.status == 422 && unknownKind.text.contains("action.kind"), "\(unknownKind.text)")
        let zoho = try await VendorFixtures.zohoConnection(tenant)
        for days: Any in [[0, 3], [3, 1], [1, 1], ["1"], [true], 1] {
            let refused = try await Client.send(
                "POST", Self.schedules(tenant),
                json: [
                    "name": "Collect", "cron": "0 1 * * *",
                    "action": ["kind": "collect_due_invoices", "zoho_connection_id": zoho, "paytrace_connection_id": payTrace, "retry_days": days],
                ])
            #expect(refused.status == 422 && refused.text.contains("action.retry_days"), "\(days): \(refused.text)")
        }
        let kept = try await Client.send(
            "POST", Self.schedules(tenant),
            json: [
                "name": "Collect", "cron": "0 1 * * *",
                "action": ["kind": "collect_due_invoices", "zoho_connection_id": zoho, "paytrace_connection_id": payTrace, "retry_days": [2, 5]],
            ])
        #expect(kept.status == 201 && (kept.json["action"] as? [String: Any])?["retry_days"] as? [Int] == [2, 5], "\(kept.text)")
        // Another tenant's connection is no connection of this environment.
        let other = try await Fixtures.tenant()
        let foreign = try await Client.send(
            "POST", Self.schedules(other),
            json: [
                "name": "Collect", "cron": "0 1 * * *",
                "action": ["kind": "collect_due_invoices", "zoho_connection_id": payTrace, "paytrace_connection_id": payTrace],
            ])
        #expect(foreign.status == 422, "\(foreign.text)")
    }
}
