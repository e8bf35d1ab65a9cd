import Foundation
import Testing
import ClearlineTesting
@testable import AdminAPI

@Suite("Authentication: every /v1 route needs credentials", .requiresDatabase)
struct AuthenticationTests {
    /// Each route with its parameters filled with ids that exist nowhere.
    static var protectedRoutes: [(method: String, path: String)] {
        App.endpoints.filter { $0.access != .anonymous }.map { endpoint in
            var path = endpoint.pattern
            while let open = path.firstIndex(of: "{"), let close = path[open...].firstIndex(of: "}") {
                path.replaceSubrange(open...close, with: UUID().uuidString.lowercased())
            }
            return (endpoint.method, path)
        }
    }

    @Test func everyV1RouteExceptLoginAnswers401WithoutCredentials() async throws {
        let routes = Self.protectedRoutes
        #expect(routes.count >= 15)
        for route in routes {
            let reply = try await Client.send(
                route.method, route.path, auth: .none,
                json: route.method == "GET" ? nil : ["name": "x"])
            #expect(reply.status == 401, "\(route.method) \(route.path) answered \(reply.status)")
            #expect(reply.isProblem, "\(route.method) \(route.path) is not problem+json")
            #expect(reply.header("www-authenticate")?.hasPrefix("Bearer") == true)
        }
        let anonymous = App.endpoints.filter { $0.access == .anonymous }.map(\.pattern).filter { $0.hasPrefix("/v1") }
        #expect(anonymous == ["/v1/auth/login"])
    }

    @Test(arguments: ["Bearer nope", "Bearer cl_0123456789ab_wrongsecret", "Basic dXNlcjpwYXNz", "Bearer", ""])
    func badAuthorizationHeadersAre401(_ header: String) async throws {
        let reply = try await Client.send("GET", "/v1/tenants", auth: .none, headers: ["Authorization": header])
        #expect(reply.status == 401)
        #expect(reply.isProblem)
    }

    @Test func aRevokedKeyStopsWorkingAtOnce() async throws {
        let tenant = try await Fixtures.tenant()
        let key = try await Fixtures.apiKey(tenant, role: "admin")
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)", auth: .bearer(key.token)).status == 200)
        #expect(try await Client.send("DELETE", "/v1/tenants/\(tenant)/api-keys/\(key.id)").status == 204)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)", auth: .bearer(key.token)).status == 401)
    }

    @Test func aRevocationOrSuspensionReachesEveryProcessThroughItsNotice() async throws {
        // Another process keeps keys for an hour: only the notice can make it let go.
        let other = try TestServer.secondProcess(api: APIConfiguration(passwordIterations: 10_000, credentialCacheLifetime: .seconds(3_600)))
        defer {
            other.app.shutdown()
            other.server.shutdown()
        }
        let elsewhere = "http://127.0.0.1:\(other.server.port)"
        let tenant = try await Fixtures.tenant()
        let revoked = try await Fixtures.apiKey(tenant, role: "admin")
        let kept = try await Fixtures.apiKey(tenant, role: "viewer")
        for key in [revoked, kept] {
            #expect(try await Client.send("GET", "/v1/tenants/\(tenant)", auth: .bearer(key.token), server: elsewhere).status == 200)
        }
        #expect(try await Client.send("DELETE", "/v1/tenants/\(tenant)/api-keys/\(revoked.id)").status == 204)
        #expect(
            try await Wait.until(60) { try await Client.send("GET", "/v1/tenants/\(tenant)", auth: .bearer(revoked.token), server: elsewhere).status == 401 })
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)", auth: .bearer(kept.token), server: elsewhere).status == 200)
        // A suspension made by SQL by hand is announced too.
        try TestServer.shared.database.transaction(.platform) { tx in
            try tx.query("UPDATE tenants SET status = 'suspended' WHERE id = $1", [tenant])
        }
        #expect(
            try await Wait.until(60) {
                try await Client.send("GET", "/v1/tenants/\(tenant)/api-keys", auth: .bearer(kept.token), server: elsewhere).status == 403
            })
    }

    @Test func aDeletedTenantsKeysStopWorking() async throws {
        let tenant = try await Fixtures.tenant()
        let key = try await Fixtures.apiKey(tenant, role: "owner")
        #expect(try await Client.send("DELETE", "/v1/tenants/\(tenant)").status == 204)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)", auth: .bearer(key.token)).status == 401)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)").status == 404)
    }

    @Test func aSuspendedTenantIsRefused() async throws {
        let tenant = try await Fixtures.tenant()
        let key = try await Fixtures.apiKey(tenant, role: "owner")
        #expect(try await Client.send("PATCH", "/v1/tenants/\(tenant)", json: ["status": "suspended"]).status == 200)
        let reply = try await Client.send("GET", "/v1/tenants/\(tenant)/api-keys", auth: .bearer(key.token))
        #expect(reply.status == 403)
        #expect(reply.isProblem)
    }

    @Test func tokensAreStoredOnlyAsHashes() async throws {
        let tenant = try await Fixtures.tenant()
        let key = try await Fixtures.apiKey(tenant, role: "viewer")
        let server = TestServer.shared
        let leaked = try server.database.transaction(.platform) { tx in
            try tx.query("SELECT 1 FROM api_keys WHERE secret_hash = $1 OR prefix = $1 OR name = $1", [key.token]).count
        }
        #expect(leaked == 0)
        let list = try await Client.send("GET", "/v1/tenants/\(tenant)/api-keys")
        #expect(!list.text.contains(key.token))
        #expect(list.items.allSatisfy { $0["token"] == nil })
    }
}
