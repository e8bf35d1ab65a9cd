import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import ClearlineTesting
import Connectors
import Crypto
import Sandbox

@Suite("Testing a connection against the vendor", .requiresDatabase)
struct ConnectionCheckTests {
    @Test func goodCredentialsConnectAndBadOnesSayWhy() async throws {
        let tenant = try await Fixtures.tenant()
        let good = try await VendorFixtures.payTrace(tenant, password: SandboxServer.demoPayTraceAccount.password)
        let ok = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections/\(good)/test")
        #expect(ok.status == 200)
        #expect(ok.json["ok"] as? Bool == true)
        #expect(ok["status"] == "connected")
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/connections/\(good)")["status"] == "connected")

        let bad = try await VendorFixtures.payTrace(tenant, password: "not-the-password-at-all")
        let refused = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections/\(bad)/test")
        #expect(refused.status == 200)
        #expect(refused.json["ok"] as? Bool == false)
        #expect(refused["message"]?.contains("refused the API user name or password") == true)
        #expect(refused.text.contains("not-the-password-at-all") == false)
        let log = try await Client.send("GET", "/v1/tenants/\(tenant)/audit-log?limit=5")
        #expect(log.items.first?["action"] as? String == "connection.tested")
    }

    @Test func viewersCannotTestAndAnAgentThatNeverPolledIsReported() async throws {
        let tenant = try await Fixtures.tenant()
        let id = try await VendorFixtures.payTrace(tenant, password: "x-password-long")
        let viewer = try await Fixtures.apiKey(tenant, role: "viewer")
        #expect(try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections/\(id)/test", auth: .bearer(viewer.token)).status == 403)
        let agent = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/environments/dev/connections",
            json: ["kind": "sage_pro", "name": "Agent"])
        let agentId = try #require(agent["id"])
        let silent = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections/\(agentId)/test")
        #expect(silent.status == 200)
        #expect(silent.json["ok"] as? Bool == false)
        #expect(silent["message"]?.contains("No Sage Pro agent has polled") == true)
    }

    @Test func aShopSigningAsStandardWebhooksGetsAVerifiableTestDelivery() async throws {
        let tenant = try await Fixtures.tenant()
        let base = "/v1/tenants/\(tenant)/environments/dev/connections"
        let settings: [String: Any] = ["webhook_url": TestSandbox.shared.baseURL + "/shop/hooks", "signature_scheme": "standard_webhooks"]
        let refused = try await Client.send(
            "POST", base, json: ["kind": "shop", "name": "Bad", "settings": settings, "secrets": ["signing_secret": "plain-text-secret"]])
        #expect(refused.status == 422 && refused.text.contains("secrets.signing_secret"), "\(refused.text)")
        let secret = StandardWebhookSignature.newSecret()
        let created = try await Client.send(
            "POST", base, json: ["kind": "shop", "name": "Standard", "settings": settings, "secrets": ["signing_secret": secret]])
        let id = try #require(created["id"], "\(created.text)")
        let check = try await Client.send("POST", "\(base)/\(id)/test")
        #expect(check.status == 200 && check.json["ok"] as? Bool == true, "\(check.text)")
        let reply = try HTTPTransport().send(URLRequest(url: URL(string: TestSandbox.shared.baseURL + "/_sandbox/shop/deliveries")!), vendor: "sandbox")
        let deliveries = (try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])?["deliveries"] as? [[String: Any]] ?? []
        // The sandbox's shop is shared: find this connection's delivery by its signature.
        let key = try #require(StandardWebhookSignature.key(secret))
        let verified = deliveries.filter { delivery in
            (try? StandardWebhookSignature.verify(
                id: delivery["webhook_id"] as? String, timestamp: delivery["webhook_timestamp"] as? String, signature: delivery["webhook_signature"] as? String,
                body: Array((delivery["body"] as? String ?? "").utf8), keys: [key], now: Int(Date().timeIntervalSince1970))) != nil
        }
        #expect(verified.count == 1)
        let body = try #require((verified.first?["body"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(body["type"] as? String == "clearline.ping" && body["timestamp"] != nil && body["data"] != nil)
    }
}
