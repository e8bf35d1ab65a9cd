import Foundation
import Testing
import ClearlineTesting
import Domain
import Persistence

@Suite("Connections: per environment, secrets write-only", .requiresDatabase)
struct ConnectionTests {

    @Test func createReadUpdateDeleteWithoutEverShowingASecret() async throws {
        let tenant = try await Fixtures.tenant()
        let marker = "SECRET\(UUID().uuidString.prefix(8))"
        let base = "/v1/tenants/\(tenant)/environments/dev/connections"
        var replies: [Reply] = []
        let created = try await Client.send("POST", base, json: VendorFixtures.paytrace(marker))
        replies.append(created)
        #expect(created.status == 201)
        let id = try #require(created["id"])
        let secrets = try #require(created.json["secrets"] as? [String: [String: Any]])
        #expect(Set(secrets.keys) == ["username", "password", "integrator_id"])
        #expect(secrets.values.allSatisfy { $0["set"] as? Bool == true })
        #expect(secrets["password"]?["hint"] as? String == "••••ough")

        replies.append(try await Client.send("GET", base))
        replies.append(try await Client.send("GET", "\(base)/\(id)"))
        let patched = try await Client.send(
            "PATCH", "\(base)/\(id)",
            json: [
                "secrets": ["password": "rotated-\(marker)-password", "integrator_id": NSNull()],
                "name": "PayTrace (rotated)",
            ])
        replies.append(patched)
        #expect(patched.status == 200)
        let after = try #require(patched.json["secrets"] as? [String: [String: Any]])
        #expect(after["integrator_id"]?["set"] as? Bool == false)
        #expect(after["password"]?["set"] as? Bool == true)
        replies.append(try await Client.send("GET", "/v1/tenants/\(tenant)/audit-log"))
        for reply in replies {
            #expect(!reply.text.contains(marker), "a response showed a secret: \(reply.text.prefix(200))")
        }
        // The code that talks to the vendor gets the clear text back.
        let password = try TestServer.shared.database.transaction(.tenant(UUID(uuidString: tenant)!)) { tx in
            try ConnectionStore.secret(
                tx, vault: TestServer.shared.vault, tenantId: UUID(uuidString: tenant)!, connectionId: UUID(uuidString: id)!, name: "password")
        }
        #expect(password == "rotated-\(marker)-password")

        #expect(try await Client.send("DELETE", "\(base)/\(id)").status == 204)
        #expect(try await Client.send("GET", "\(base)/\(id)").status == 404)
        try Self.expectNowhereInClearText(marker)
    }

    /// Every text of every table, and every line the server logged, searched for `marker`.
    static func expectNowhereInClearText(_ marker: String) throws {
        let hits = try TestServer.shared.database.transaction(.platform) { tx -> [String] in
            let tables = try tx.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").map { try $0.string("tablename") }
            var found: [String] = []
            for table in tables {
                // Table names come from the catalogue, quoted: no value is spliced into SQL.
                let rows = try tx.query("SELECT count(*) AS n FROM \"\(table)\" t WHERE t::text LIKE '%' || $1 || '%'", [marker])
                if try rows.first?.int("n") ?? 0 > 0 { found.append(table) }
            }
            return found
        }
        #expect(hits.isEmpty, "secret in clear text in: \(hits)")
        let logged = TestServer.logLines.lines.withLock { $0 }.filter { $0.contains(marker) }
        #expect(logged.isEmpty, "secret in the log: \(logged.prefix(2))")
        #expect(TestServer.logLines.lines.withLock { $0 }.contains { $0.contains("request") }, "the log scan must see the access log")
    }

    @Test func zohoNeedsItsSettingsAndOnlyKnownFields() async throws {
        let tenant = try await Fixtures.tenant()
        let base = "/v1/tenants/\(tenant)/environments/qa/connections"
        let missing = try await Client.send("POST", base, json: ["kind": "zoho", "name": "Zoho", "settings": ["books": true]])
        #expect(missing.status == 422)
        let fields = ((missing.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
        #expect(Set(fields) == ["settings.data_center", "settings.organization_id"])
        let unknown = try await Client.send(
            "POST", base,
            json: [
                "kind": "zoho", "name": "Zoho",
                "settings": ["data_center": "mars", "organization_id": "1", "colour": "red", "books": "yes"],
                "secrets": ["password": "x"],
            ])
        #expect(unknown.status == 422)
        let unknownFields = Set(((unknown.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
        #expect(unknownFields == ["settings.data_center", "settings.colour", "settings.books", "secrets.password"])
        let good = try await Client.send(
            "POST", base,
            json: [
                "kind": "zoho", "name": "Zoho Books",
                "settings": ["data_center": "eu", "organization_id": "20071234", "books": true, "crm": false],
                "secrets": ["client_id": "1000.ABC", "client_secret": "abcdefabcdef123456", "refresh_token": "1000.r.t"],
            ])
        #expect(good.status == 201)
        #expect((good.json["settings"] as? [String: Any])?["books"] as? Bool == true)
        #expect(good["environment"] == "qa")
        // Another environment does not see it.
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/environments/prod/connections").items.isEmpty)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/environments/staging/connections").status == 404)
    }

    @Test func anotherTenantsConnectionIsNotFoundAndViewersCannotWrite() async throws {
        let a = try await Fixtures.tenant(), b = try await Fixtures.tenant()
        let created = try await Client.send("POST", "/v1/tenants/\(b)/environments/dev/connections", json: VendorFixtures.paytrace("B"))
        let id = try #require(created["id"])
        let aOwner = try await Fixtures.apiKey(a, role: "owner")
        for (method, path) in [
            ("GET", "/v1/tenants/\(b)/environments/dev/connections/\(id)"), ("DELETE", "/v1/tenants/\(b)/environments/dev/connections/\(id)"),
            ("GET", "/v1/tenants/\(a)/environments/dev/connections/\(id)"), ("PATCH", "/v1/tenants/\(a)/environments/dev/connections/\(id)"),
        ] {
            let reply = try await Client.send(method, path, auth: .bearer(aOwner.token), json: method == "PATCH" ? ["name": "mine"] : nil)
            #expect(reply.status == 404, "\(method) \(path)")
        }
        let viewer = try await Fixtures.apiKey(b, role: "viewer")
        #expect(try await Client.send("GET", "/v1/tenants/\(b)/environments/dev/connections", auth: .bearer(viewer.token)).status == 200)
        #expect(
            try await Client.send("POST", "/v1/tenants/\(b)/environments/dev/connections", auth: .bearer(viewer.token), json: VendorFixtures.paytrace("V"))
                .status == 403)
    }
}
