import Foundation
import Testing
import ClearlineTesting
import Connectors
import Persistence

/// What undoes or fails a sale, through the deployed templates against the sandbox's Zoho: a
/// refund becomes a credit note, a void deletes the payment and voids the invoice, a decline
/// loses the CRM deal, and a chargeback becomes a credit note and a fee journal.
@Suite("Refunds, voids, declines and chargebacks into Zoho, end to end", .requiresDatabase)
struct AdjustmentFlowTests {
    @Test func eachMovementLeavesZohoAsABookkeeperExpects() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let session = try await VendorFixtures.connectedZoho(tenant)
        for template in ["paytrace-zoho-order-to-cash", "paytrace-zoho-refunds", "paytrace-zoho-voids", "paytrace-zoho-crm-declines", "chargebacks-zoho"] {
            try await FlowFixtures.deployTemplate(tenant, template)
        }
        let paytrace = try await Hooks.endpoint(tenant, source: "paytrace")
        // A chart of accounts longer than a page, listed by name: the accounts the chargeback's
        // journal names by code (Chargebacks, Undeposited Funds) are on the second page.
        let marker = "\(Int.random(in: 10...99))\(UUID().uuidString.prefix(6))"
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        for index in 0..<205 {
            _ = try books.call("POST", "chartofaccounts", body: ["account_name": "Advertising \(marker) \(index)", "account_type": "expense"])
        }
        #expect(try books.call("GET", "chartofaccounts")["page_context"].flatMap { ($0 as? [String: Any])?["has_more_page"] as? Bool } == true)
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func settle() async throws {
            let done = try await Wait.until(60) {
                try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
                    try tx.one("SELECT count(*) AS n FROM jobs WHERE tenant_id = $1", [tenantId])!.int("n") == 0
                }
            }
            #expect(done)
        }
        let a = Int.random(in: 10_000_000...19_999_999), b = a + 1, c = a + 2, refund = a + 3
        func sale(_ id: Int, customer: String, status: String = "SETTLED", type: String = "SALE") -> String {
            #"{"transaction": {"transaction_id": \#(id), "transaction_type": "\#(type)", "amount": "\#(type == "REFUND" ? "-25.50" : "108.25")", "status": "\#(status)", "#
                + #""created_at": "11/21/2026 4:06:30 PM", "customer_id": "\#(customer)-\#(marker)", "invoice_id": "Invoice # \#(id)", "#
                + #""billing_address": {"name": "\#(customer) \#(marker)"}}}"#
        }
        func deliver(_ hook: Hooks.Hook, _ body: String, type: String, id: String) async throws {
            let reply = try await Hooks.deliver(hook, body, eventId: "\(id)-\(marker)", headers: ["Clearline-Event-Type": type])
            #expect(reply.status == 202, "\(reply.text)")
        }
        try await deliver(paytrace, sale(a, customer: "Alder"), type: "paytrace.transaction.sale", id: "sale-a")
        try await deliver(paytrace, sale(b, customer: "Birch"), type: "paytrace.transaction.sale", id: "sale-b")
        try await settle()
        try await deliver(
            paytrace, sale(refund, customer: "Alder", status: "PENDING_SETTLEMENT", type: "REFUND"), type: "paytrace.transaction.refund", id: "refund-a")
        try await deliver(paytrace, sale(b, customer: "Birch", status: "VOIDED"), type: "paytrace.transaction.void", id: "void-b")
        // Cedar's shop order made a sales order before the card was declined.
        let inventory = ZohoInventoryClient(session: session, organizationId: "20071234")
        let cedar = try ZohoBooksClient(session: session, organizationId: "20071234").createContact(["contact_name": "Cedar \(marker)"])
        let cedarOrder = try inventory.createSalesOrder([
            "customer_id": try #require(cedar["contact_id"] as? String), "reference_number": String(c),
            "line_items": [["name": "Tent", "rate": "108.25", "quantity": 1]],
        ])
        try await deliver(paytrace, sale(c, customer: "Cedar", status: "DECLINED"), type: "paytrace.transaction.sale", id: "decline-c")
        // PayTrace has no chargeback API: the merchant enters the case.
        let entered = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/environments/dev/chargebacks",
            json: [
                "case_number": "CB\(marker)", "transaction_id": String(a), "customer_id": "Alder-\(marker)", "amount": "108.25", "fee": "15",
                "reason": "Fraud", "received_at": "2026-11-20T15:00:00-08:00",
            ])
        #expect(entered.status == 201, "\(entered.text)")
        try await settle()

        let runs = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.query("SELECT status, detail FROM runs WHERE tenant_id = $1", [tenantId]).map {
                "\(try $0.string("status")) \($0.optionalString("detail") ?? "")"
            }
        }
        #expect(runs.count == 6 && runs.allSatisfy { $0.hasPrefix("succeeded") }, "\(runs)")
        let alder = try #require(try books.contacts(name: "Alder \(marker)").first?["contact_id"] as? String)

        // Refund: a credit note of 25.50 for the customer of the sale.
        let refundNotes = try books.creditNotes(referenceNumber: "PT-\(refund)")
        #expect(refundNotes.count == 1)
        #expect(refundNotes.first?["customer_id"] as? String == alder)
        #expect("\(refundNotes.first?["total"] ?? "")" == "25.5")
        // Void: no payment left, the invoice void with nothing owed.
        #expect(try books.customerPayments(referenceNumber: "PT-\(b)").isEmpty)
        let voided = try #require(try books.invoices(referenceNumber: String(b)).first)
        #expect(voided["status"] as? String == "void")
        #expect("\(voided["balance"] ?? "")" == "0")
        // The sale that stood is still paid.
        #expect(try books.invoices(referenceNumber: String(a)).first?["status"] as? String == "paid")
        // Decline: the deal is lost, and nothing was written to Books for it.
        #expect(try books.invoices(referenceNumber: String(c)).isEmpty)
        let dealId = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.one(
                "SELECT s.external_id FROM run_steps s JOIN runs r ON r.id = s.run_id JOIN events e ON e.id = r.event_id WHERE s.tenant_id = $1 AND e.vendor_event_id = $2 AND s.step_id = 'deal'",
                [tenantId, "decline-c-\(marker)"])?.optionalString("external_id")
        }
        let deal = try ZohoCRMClient(session: session).record("Deals", id: try #require(dealId))
        #expect(deal?["Stage"] as? String == "Closed Lost" && deal?["Payment_Status"] as? String == "Payment Failed")
        let declinedOrder = try inventory.salesOrder(try #require(cedarOrder["salesorder_id"] as? String))
        #expect(
            (declinedOrder["custom_fields"] as? [[String: Any]])?.first { $0["api_name"] as? String == "cf_payment_status" }?["value"] as? String
                == "Payment Failed")
        // Chargeback: the amount credited back, the fee journaled to the chargebacks account.
        let chargebackNotes = try books.creditNotes(referenceNumber: "CB-CB\(marker)")
        #expect(chargebackNotes.count == 1)
        #expect(chargebackNotes.first?["customer_id"] as? String == alder)
        let fee = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.one("SELECT status FROM run_steps WHERE tenant_id = $1 AND step_id = 'fee'", [tenantId])?.optionalString("status")
        }
        #expect(fee == "written")
        // The books balance: the customer owes nothing and holds no credit, since the refund's
        // and the chargeback's credit notes were paid out, each closed.
        let customer = try #require(try books.contact(id: alder))
        #expect("\(customer["outstanding_receivable_amount"] ?? "")" == "0")
        #expect("\(customer["unused_credits_receivable_amount"] ?? "")" == "0")
        for reference in ["PT-\(refund)", "CB-CB\(marker)"] {
            let note = try #require(try books.creditNotes(referenceNumber: reference).first)
            #expect(note["status"] as? String == "closed", "\(reference)")
            let refunds = try books.creditNoteRefunds(try #require(note["creditnote_id"] as? String))
            #expect(refunds.count == 1 && "\(refunds.first?["amount"] ?? "")" == "\(note["total"] ?? "")")
        }
        // The dispute is on record, with the run that reversed it and an alert for a person.
        let dispute = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/chargebacks/\(try #require(entered["id"]))")
        #expect(dispute["status"] == "open" && dispute["amount"] == "108.25" && dispute["fee"] == "15.00")
        #expect((dispute.json["runs"] as? [[String: Any]])?.first?["status"] as? String == "succeeded")
        let alerts = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/alerts?open=true")
        let items = alerts.json["items"] as? [[String: Any]] ?? []
        #expect(items.count == 1 && items.first?["kind"] as? String == "chargeback" && (items.first?["message"] as? String ?? "").contains("CB\(marker)"))
    }
}
