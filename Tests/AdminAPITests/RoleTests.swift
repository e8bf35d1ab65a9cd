import Foundation
import Testing
import ClearlineTesting

@Suite("Roles: viewer reads, admin writes below owner, owner does everything", .requiresDatabase)
struct RoleTests {
    @Test func viewerCannotWrite() async throws {
        let tenant = try await Fixtures.tenant()
        let viewer = try await Fixtures.apiKey(tenant, role: "viewer")
        let other = try await Fixtures.apiKey(tenant, role: "viewer")
        let user = try await Fixtures.user(tenant, role: "viewer")
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/api-keys", auth: .bearer(viewer.token)).status == 200)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/environments", auth: .bearer(viewer.token)).status == 200)
        let writes: [(String, String, [String: String]?)] = [
            ("POST", "/v1/tenants/\(tenant)/api-keys", ["name": "v", "role": "viewer"]),
            ("DELETE", "/v1/tenants/\(tenant)/api-keys/\(other.id)", nil),
            ("POST", "/v1/tenants/\(tenant)/users", ["email": "v@example.com", "password": "long enough password", "role": "viewer"]),
            ("DELETE", "/v1/tenants/\(tenant)/users/\(user.id)", nil),
            ("PATCH", "/v1/tenants/\(tenant)", ["name": "renamed"]),
            ("DELETE", "/v1/tenants/\(tenant)", nil),
        ]
        for (method, path, body) in writes {
            let reply = try await Client.send(method, path, auth: .bearer(viewer.token), json: body)
            #expect(reply.status == 403, "\(method) \(path) answered \(reply.status)")
            #expect(reply.isProblem)
        }
        let keys = try await Client.send("GET", "/v1/tenants/\(tenant)/api-keys").items
        #expect(keys.count == 2)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/users/\(user.id)").status == 200)
    }

    @Test func adminCannotGrantOrRevokeOwner() async throws {
        let tenant = try await Fixtures.tenant()
        let admin = try await Fixtures.apiKey(tenant, role: "admin")
        let owner = try await Fixtures.apiKey(tenant, role: "owner")
        let escalate = try await Client.send("POST", "/v1/tenants/\(tenant)/api-keys", auth: .bearer(admin.token), json: ["name": "up", "role": "owner"])
        #expect(escalate.status == 403)
        #expect(try await Client.send("DELETE", "/v1/tenants/\(tenant)/api-keys/\(owner.id)", auth: .bearer(admin.token)).status == 403)
        let peer = try await Client.send("POST", "/v1/tenants/\(tenant)/api-keys", auth: .bearer(admin.token), json: ["name": "peer", "role": "admin"])
        #expect(peer.status == 201)
    }

    @Test func ownerKeyManagesItsTenant() async throws {
        let tenant = try await Fixtures.tenant()
        let owner = try await Fixtures.apiKey(tenant, role: "owner")
        let second = try await Fixtures.apiKey(tenant, role: "owner", auth: .bearer(owner.token))
        #expect(try await Client.send("DELETE", "/v1/tenants/\(tenant)/api-keys/\(second.id)", auth: .bearer(owner.token)).status == 204)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/api-keys/\(second.id)", auth: .bearer(owner.token)).status == 404)
        // Renaming or deleting the tenant itself stays with platform administrators.
        #expect(try await Client.send("PATCH", "/v1/tenants/\(tenant)", auth: .bearer(owner.token), json: ["name": "x"]).status == 403)
    }
}
