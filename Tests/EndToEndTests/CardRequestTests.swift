import Foundation
import Testing
import ClearlineTesting
import Connectors
import Domain
import Sandbox

/// A card on file through PayTrace's hosted fields (issue 17): the customer's link gives the page
/// a PayTrace Protect client key; the card goes from the fields (here, what the fields' frame
/// posts) to the sandbox's PayTrace only; Clearline gets the fields' token and makes the vault
/// profile from the customer's Zoho Books contact, or updates it, and never sees the number.
@Suite("Cards put on file through PayTrace's hosted fields", .requiresDatabase)
struct CardRequestTests {
    static func base(_ tenant: String) -> String { "/v1/tenants/\(tenant)/environments/dev/card-requests" }

    /// The link's parts: where its API lives, and the secret the page sends.
    static func link(_ url: String) throws -> (path: String, secret: String) {
        let fragment = try #require(url.split(separator: "#").last.map(String.init))
        let parts = fragment.split(separator: ".").map(String.init)
        try #require(parts.count == 3, "\(url)")
        return ("/card-links/\(parts[0])/\(parts[1])", parts[2])
    }

    /// What PayTrace's fields do with a card in the customer's browser: post it to PayTrace's
    /// protect host under the client key, and hand back the token.
    static func tokenize(_ sandbox: SandboxServer, clientKey: String, number: String) async throws -> [String: Any] {
        let reply = try await Client.send(
            "POST", "/paytrace/protect/tokenize", auth: .none,
            json: ["clientKey": clientKey, "number": number, "expiration_month": "11", "expiration_year": "2031", "csc": "999"], server: sandbox.baseURL)
        try #require(reply.status == 200, "\(reply.text)")
        return reply.json
    }

    @Test func aCardGivenThroughTheLinkBecomesTheProfileFromTheZohoContactAndIsCharged() async throws {
        let (sandbox, tenant, tenantId, payTrace) = try await PaymentRequestTests.ownSandbox()
        defer { sandbox.shutdown() }
        let (zoho, session) = try await VendorFixtures.connectedZohoConnection(tenant, sandbox: sandbox)
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        let contact = try #require(
            try books.createContact([
                "contact_name": "Ada Card \(tenant.prefix(6))", "email": "ada@example.com", "phone": "509-555-0100",
                "billing_address": ["address": "12 Vault Street", "city": "Spokane", "state": "WA", "zip": "99201"],
            ])["contact_id"] as? String)
        let customerId = "card-\(tenant.prefix(8))"
        func request() async throws -> Reply {
            try await Client.send(
                "POST", Self.base(tenant),
                json: ["connection_id": payTrace, "customer_id": customerId, "contact": ["connection_id": zoho, "contact_id": contact]])
        }
        let made = try await request()
        try #require(made.status == 201, "\(made.text)")
        #expect(made["status"] == "open")
        let (path, secret) = try Self.link(try #require(made["url"]))
        // The link's secret is shown once: the request as read back has no url.
        let shown = try await Client.send("GET", "\(Self.base(tenant))/\(try #require(made["id"]))")
        #expect(shown.status == 200 && shown.json["url"] == nil)

        // A wrong secret is not found, as an unknown request is.
        let wrong = try await Client.send("GET", path, auth: .none, headers: ["Clearline-Card-Token": String(secret.reversed())])
        #expect(wrong.status == 404, "\(wrong.text)")
        let page = try await Client.send("GET", path, auth: .none, headers: ["Clearline-Card-Token": secret])
        try #require(page.status == 200, "\(page.text)")
        #expect(page["customer_name"] == "Ada Card \(tenant.prefix(6))" && page["merchant"] != nil)
        #expect(page["protect_script"] == sandbox.baseURL + "/paytrace/protect/js/protect.min.js")
        let clientKey = try #require(page["client_key"])

        // A card number is never taken here, whatever the field.
        let carded = try await Client.send(
            "POST", path, auth: .none, json: ["hpf_token": "x", "enc_key": "y", "number": "4111111111111111"], headers: ["Clearline-Card-Token": secret])
        #expect(carded.status == 422 && carded.text.contains("number"), "\(carded.text)")
        let asToken = try await Client.send(
            "POST", path, auth: .none, json: ["hpf_token": "4111 1111 1111 1111", "enc_key": "y"], headers: ["Clearline-Card-Token": secret])
        #expect(asToken.status == 422, "\(asToken.text)")

        let fields = try await Self.tokenize(sandbox, clientKey: clientKey, number: "4012000098765439")
        let saved = try await Client.send(
            "POST", path, auth: .none,
            json: ["hpf_token": try #require(fields["hpf_token"] as? String), "enc_key": try #require(fields["enc_key"] as? String)],
            headers: ["Clearline-Card-Token": secret])
        try #require(saved.status == 200, "\(saved.text)")
        #expect(saved["profile"] == "created" && saved["masked_card_number"]?.hasSuffix("5439") == true, "\(saved.text)")
        // Used once: the link is gone.
        let again = try await Client.send("GET", path, auth: .none, headers: ["Clearline-Card-Token": secret])
        #expect(again.status == 410, "\(again.text)")

        // PayTrace's profile has the contact's details and the card; a charge of it is approved.
        let client = VendorFixtures.payTraceClient(sandbox, cacheKey: "card-\(tenant)")
        let profile = try #require(try client.call("v1/customer/export", ["customer_id": customerId]).object["customers"] as? [[String: Any]]).first
        let billing = profile?["billing_address"] as? [String: Any] ?? [:]
        #expect(billing["name"] as? String == "Ada Card \(tenant.prefix(6))" && billing["street_address"] as? String == "12 Vault Street", "\(billing)")
        #expect(billing["city"] as? String == "Spokane" && billing["zip"] as? String == "99201" && profile?["email"] as? String == "ada@example.com")
        #expect(((profile?["credit_card"] as? [String: Any])?["masked_number"] as? String)?.hasSuffix("5439") == true, "\(profile ?? [:])")
        let charge = try await Client.send(
            "POST", PaymentRequestTests.base(tenant), json: ["connection_id": payTrace, "customer_id": customerId, "amount": "25.00"])
        try #require(charge.status == 201, "\(charge.text)")
        let pool = TestWorkers.pool(tenant: tenantId, workers: 1)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        let chargeId = try #require(charge["id"])
        #expect(try await Wait.until(30) { try await Client.send("GET", "\(PaymentRequestTests.base(tenant))/\(chargeId)")["status"] == "approved" })

        // A second link for the same customer replaces the card on the profile.
        let second = try await request()
        let (secondPath, secondSecret) = try Self.link(try #require(second["url"]))
        let secondPage = try await Client.send("GET", secondPath, auth: .none, headers: ["Clearline-Card-Token": secondSecret])
        let newCard = try await Self.tokenize(sandbox, clientKey: try #require(secondPage["client_key"]), number: "5454545454545454")
        // A token already spent is refused by PayTrace, and the link stays open for another try.
        let spent = try await Client.send(
            "POST", secondPath, auth: .none,
            json: ["hpf_token": try #require(fields["hpf_token"] as? String), "enc_key": try #require(fields["enc_key"] as? String)],
            headers: ["Clearline-Card-Token": secondSecret])
        #expect(spent.status == 422 && spent.text.contains("hpf_token"), "\(spent.text)")
        let updated = try await Client.send(
            "POST", secondPath, auth: .none,
            json: ["hpf_token": try #require(newCard["hpf_token"] as? String), "enc_key": try #require(newCard["enc_key"] as? String)],
            headers: ["Clearline-Card-Token": secondSecret])
        #expect(updated.status == 200 && updated["profile"] == "updated" && updated["masked_card_number"]?.hasSuffix("5454") == true, "\(updated.text)")
        let listed = try await Client.send("GET", "\(Self.base(tenant))?status=completed")
        #expect(listed.items.count == 2 && listed.items.allSatisfy { $0["url"] == nil }, "\(listed.text)")

        // No card number is anywhere in the tenant's data.
        let dump = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try ["card_requests", "audit_log", "events", "payment_requests"].map { table in
                try tx.query("SELECT coalesce(string_agg(t::text, ' '), '') AS text FROM \(table) t WHERE tenant_id = $1", [tenantId]).first?.string("text")
                    ?? ""
            }.joined(separator: " ")
        }
        #expect(!dump.contains("4012000098765439") && !dump.contains("5454545454545454") && !dump.contains(secret))
    }

    @Test func badInputIsRefusedByField() async throws {
        let (sandbox, tenant, _, payTrace) = try await PaymentRequestTests.ownSandbox()
        defer { sandbox.shutdown() }
        func problem(_ body: [String: Any]) async throws -> Reply { try await Client.send("POST", Self.base(tenant), json: body) }
        let noContact = try await problem(["connection_id": payTrace, "customer_id": "c1"])
        #expect(noContact.status == 422 && noContact.text.contains("\"contact\""), "\(noContact.text)")
        let payTraceAsContact = try await problem(["connection_id": payTrace, "customer_id": "c1", "contact": ["connection_id": payTrace, "contact_id": "1"]])
        #expect(payTraceAsContact.status == 422 && payTraceAsContact.text.contains("contact.connection_id"), "\(payTraceAsContact.text)")
        let days = try await problem([
            "connection_id": payTrace, "customer_id": "c1", "contact": ["connection_id": payTrace, "contact_id": "1"], "expires_in_days": 90,
        ])
        #expect(days.status == 422 && days.text.contains("expires_in_days"), "\(days.text)")
        let carded = try await problem([
            "connection_id": payTrace, "customer_id": "4111 1111 1111 1111", "contact": ["connection_id": payTrace, "contact_id": "1"],
        ])
        #expect(carded.status == 422 && carded.text.contains("must not hold a card number"), "\(carded.text)")
        let other = try await Fixtures.tenant()
        #expect(try await Client.send("GET", Self.base(other)).items.isEmpty)
    }
}
