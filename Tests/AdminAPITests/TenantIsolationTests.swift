import Foundation
import Testing
import ClearlineTesting

@Suite("Tenant isolation: another tenant's ids are 404 and change nothing", .requiresDatabase)
struct TenantIsolationTests {
    @Test func tenantAKeyCannotReadChangeOrDeleteTenantB() async throws {
        let a = try await Fixtures.tenant(name: "Tenant A")
        let b = try await Fixtures.tenant(name: "Tenant B")
        let aOwner = try await Fixtures.apiKey(a, role: "owner")
        let bKey = try await Fixtures.apiKey(b, role: "admin")
        let bUser = try await Fixtures.user(b, role: "viewer")
        let auditBefore = try await Client.send("GET", "/v1/tenants/\(b)/audit-log?limit=200").items.count

        let attempts: [(String, String, [String: String]?)] = [
            ("GET", "/v1/tenants/\(b)", nil),
            ("PATCH", "/v1/tenants/\(b)", ["name": "taken over"]),
            ("DELETE", "/v1/tenants/\(b)", nil),
            ("GET", "/v1/tenants/\(b)/environments", nil),
            ("GET", "/v1/tenants/\(b)/api-keys", nil),
            ("POST", "/v1/tenants/\(b)/api-keys", ["name": "intruder", "role": "owner"]),
            ("GET", "/v1/tenants/\(b)/api-keys/\(bKey.id)", nil),
            ("DELETE", "/v1/tenants/\(b)/api-keys/\(bKey.id)", nil),
            ("GET", "/v1/tenants/\(b)/users", nil),
            ("POST", "/v1/tenants/\(b)/users", ["email": "intruder@example.com", "password": "long enough password", "role": "owner"]),
            ("GET", "/v1/tenants/\(b)/users/\(bUser.id)", nil),
            ("DELETE", "/v1/tenants/\(b)/users/\(bUser.id)", nil),
            ("GET", "/v1/tenants/\(b)/audit-log", nil),
            ("GET", "/v1/tenants/\(b)/audit-log/verify", nil),
            // B's resource ids under A's own path: still not found.
            ("GET", "/v1/tenants/\(a)/api-keys/\(bKey.id)", nil),
            ("DELETE", "/v1/tenants/\(a)/api-keys/\(bKey.id)", nil),
            ("GET", "/v1/tenants/\(a)/users/\(bUser.id)", nil),
            ("DELETE", "/v1/tenants/\(a)/users/\(bUser.id)", nil),
        ]
        for (method, path, body) in attempts {
            let reply = try await Client.send(method, path, auth: .bearer(aOwner.token), json: body)
            #expect(reply.status == 404, "\(method) \(path) answered \(reply.status)")
            #expect(reply.isProblem)
            #expect(!reply.text.contains("Tenant B") && !reply.text.contains(bUser.email), "a 404 must not echo B's data")
        }

        let tenant = try await Client.send("GET", "/v1/tenants/\(b)")
        #expect(tenant["name"] == "Tenant B")
        #expect(try await Client.send("GET", "/v1/tenants/\(b)", auth: .bearer(bKey.token)).status == 200)
        #expect(try await Client.send("GET", "/v1/tenants/\(b)/users/\(bUser.id)").status == 200)
        let keys = try await Client.send("GET", "/v1/tenants/\(b)/api-keys").items.compactMap { $0["name"] as? String }
        #expect(!keys.contains("intruder"))
        let auditAfter = try await Client.send("GET", "/v1/tenants/\(b)/audit-log?limit=200").items.count
        #expect(auditAfter == auditBefore)
    }

    @Test func tenantKeyCannotListTenants() async throws {
        let a = try await Fixtures.tenant()
        let key = try await Fixtures.apiKey(a, role: "owner")
        let reply = try await Client.send("GET", "/v1/tenants", auth: .bearer(key.token))
        #expect(reply.status == 403)
        let create = try await Client.send("POST", "/v1/tenants", auth: .bearer(key.token), json: ["name": "x", "slug": Fixtures.uniqueSlug()])
        #expect(create.status == 403)
    }

    @Test func unknownTenantIdIsNotFoundEvenForPlatformAdmins() async throws {
        for path in ["/v1/tenants/\(UUID().uuidString)", "/v1/tenants/\(UUID().uuidString)/api-keys", "/v1/tenants/not-a-uuid/users"] {
            let reply = try await Client.send("GET", path)
            #expect(reply.status == 404, "\(path)")
        }
    }
}
