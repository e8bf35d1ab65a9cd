import Foundation
import Testing
import ClearlineTesting
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
            json: ["kind": "sage_pro", "name": "Agent", "secrets": ["enrolment_token": "abc"]])
        let agentId = try #require(agent["id"])
        let silent = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections/\(agentId)/test")
        #expect(silent.status == 200)
        #expect(silent.json["ok"] as? Bool == false)
        #expect(silent["message"]?.contains("No Sage Pro agent has polled") == true)
    }
}
