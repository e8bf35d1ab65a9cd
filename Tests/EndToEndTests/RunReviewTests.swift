import Foundation
import Testing
import ClearlineTesting
import Connectors

/// A run held for review is fixed by a person and resumed: a record corrected in place of the
/// mapping's (checked against the target's schema first), or the held step skipped.
@Suite("Runs held for review, fixed and resumed", .requiresDatabase)
struct RunReviewTests {
    static func runs(_ tenantId: UUID) throws -> [(id: String, status: String)] {
        try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.query("SELECT id, status FROM runs WHERE tenant_id = $1 ORDER BY created_at", [tenantId]).map {
                (try $0.string("id"), try $0.string("status"))
            }
        }
    }

    @Test func aCorrectedRecordIsWrittenAndTheRunCompletes() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let session = try await VendorFixtures.connectedZoho(tenant)
        try await FlowFixtures.deployTemplate(tenant)
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        let marker = "\(Int.random(in: 10...99))\(UUID().uuidString.prefix(6))"
        let sale =
            #"{"transaction": {"transaction_id": \#(Int.random(in: 30_000_000...39_999_999)), "transaction_type": "SALE", "amount": "55.00", "#
            + #""status": "SETTLED", "created_at": "11/21/2026 4:06:30 PM", "customer_id": "rev-\#(marker)", "invoice_id": "Invoice # \#(marker)", "#
            + #""receipt_emailed_to": "ap at acme", "billing_address": {"name": "Review \#(marker)"}}}"#
        #expect(try await Hooks.deliver(hook, sale, eventId: "rev-\(marker)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"]).status == 202)
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        #expect(try await Wait.until(30) { try Self.runs(tenantId).map(\.status) == ["review"] })
        // No workers while a resume is checked against a second one: a quick worker could
        // otherwise finish the resumed step and hold the run again in between.
        pool.shutdown(grace: 5)
        let runId = try #require(try Self.runs(tenantId).first?.id)
        let path = "/v1/tenants/\(tenant)/environments/dev/runs/\(runId)"
        let held = try await Client.send("GET", path)
        let contact = try #require((held.json["steps"] as? [[String: Any]])?.first)
        #expect(contact["status"] as? String == "invalid" && (contact["detail"] as? String ?? "").contains("email"), "\(contact)")

        // Still wrong: refused with the field named, nothing queued.
        let stillWrong = try await Client.send(
            "POST", path + "/resume", json: ["action": "replace", "record": ["contact_name": "Review \(marker)", "email": "nope"]])
        #expect(stillWrong.status == 422 && stillWrong.text.contains("record.email"), "\(stillWrong.text)")
        #expect(try await Client.send("POST", path + "/resume", json: ["action": "redo"]).status == 422)
        let resumed = try await Client.send(
            "POST", path + "/resume",
            json: [
                "action": "replace",
                "record": [
                    "contact_name": "Review \(marker)", "email": "ap@acme.example", "currency_code": "USD",
                ],
            ])
        #expect(resumed.status == 202, "\(resumed.text)")
        #expect(try await Client.send("POST", path + "/resume", json: ["action": "retry"]).status == 409, "a running run is not resumed twice")
        let resumedPool = TestWorkers.pool(tenant: tenantId)
        resumedPool.start()
        defer { resumedPool.shutdown(grace: 5) }
        // The CRM contact maps the same bad address: held again there, and skipped.
        #expect(try await Wait.until(30) { try Self.runs(tenantId).map(\.status) == ["review"] })
        #expect(try await Client.send("POST", path + "/resume", json: ["action": "skip"]).status == 202)
        #expect(try await Wait.until(30) { try Self.runs(tenantId).map(\.status) == ["succeeded"] })
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        #expect(try books.contacts(name: "Review \(marker)").first?["email"] as? String == "ap@acme.example")
        #expect(try books.invoices(referenceNumber: marker).first?["status"] as? String == "paid")
        let steps = try #require(try await Client.send("GET", path).json["steps"] as? [[String: Any]])
        #expect((steps.first?["detail"] as? String ?? "").contains("corrected it on review"))
        // Another tenant cannot resume it.
        let stranger = try await Fixtures.tenant()
        let key = try await Fixtures.apiKey(stranger, role: "admin")
        #expect(
            try await Client.send("POST", "/v1/tenants/\(stranger)/environments/dev/runs/\(runId)/resume", auth: .bearer(key.token), json: ["action": "skip"])
                .status == 404)
    }

    @Test func aHeldPaymentIsSkippedAndTheRestRuns() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        _ = try await VendorFixtures.connectedZoho(tenant)
        try await FlowFixtures.deployTemplate(tenant)
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        let marker = "\(Int.random(in: 10...99))\(UUID().uuidString.prefix(6))"
        let first = Int.random(in: 40_000_000...49_999_999)
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        for (index, transaction) in [first, first + 1].enumerated() {
            let sale =
                #"{"transaction": {"transaction_id": \#(transaction), "transaction_type": "SALE", "amount": "40.00", "status": "SETTLED", "#
                + #""created_at": "11/21/2026 4:06:30 PM", "customer_id": "skip-\#(marker)", "invoice_id": "Invoice # \#(marker)", "billing_address": {"name": "Skip \#(marker)"}}}"#
            #expect(
                try await Hooks.deliver(hook, sale, eventId: "skip-\(marker)-\(index)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"]).status
                    == 202)
            #expect(
                try await Wait.until(30) {
                    let now = try Self.runs(tenantId); return now.count == index + 1 && now.allSatisfy { $0.status != "running" }
                })
        }
        #expect(try Self.runs(tenantId).map(\.status) == ["succeeded", "review"])
        let held = try #require(try Self.runs(tenantId).last?.id)
        let resumed = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/runs/\(held)/resume", json: ["action": "skip"])
        #expect(resumed.status == 202, "\(resumed.text)")
        #expect(try await Wait.until(30) { try Self.runs(tenantId).map(\.status) == ["succeeded", "succeeded"] })
        let steps = try #require(try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/runs/\(held)").json["steps"] as? [[String: Any]])
        // The order and invoice were found by their reference (the same invoice), the payment skipped, the deal written.
        #expect(
            steps.map { $0["status"] as? String } == ["linked", "written", "written", "skipped", "skipped", "written"], "\(steps.map { $0["status"] ?? "" })")
    }
}
