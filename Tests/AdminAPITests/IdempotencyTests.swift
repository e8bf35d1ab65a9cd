import Foundation
import Testing
import ClearlineTesting

@Suite("Idempotency-Key on creating POSTs", .requiresDatabase)
struct IdempotencyTests {
    @Test func sameKeySameBodyReplaysTheFirstResponse() async throws {
        let key = UUID().uuidString
        let body = ["name": "Once Only", "slug": Fixtures.uniqueSlug()]
        let first = try await Client.send("POST", "/v1/tenants", json: body, headers: ["Idempotency-Key": key])
        let second = try await Client.send("POST", "/v1/tenants", json: body, headers: ["Idempotency-Key": key])
        #expect(first.status == 201)
        #expect(second.status == 201)
        #expect(second["id"] == first["id"])
        #expect(second.header("idempotent-replayed") == "true")
        #expect(second.header("location") == first.header("location"))
        let listed = try await Client.send("GET", "/v1/tenants?limit=200")
        #expect(listed.items.filter { $0["slug"] as? String == body["slug"] }.count <= 1)
    }

    @Test func sameKeyOtherBodyIs409() async throws {
        let key = UUID().uuidString
        let first = try await Client.send("POST", "/v1/tenants", json: ["name": "A", "slug": Fixtures.uniqueSlug()], headers: ["Idempotency-Key": key])
        #expect(first.status == 201)
        let second = try await Client.send("POST", "/v1/tenants", json: ["name": "B", "slug": Fixtures.uniqueSlug()], headers: ["Idempotency-Key": key])
        #expect(second.status == 409)
        #expect(second.isProblem)
    }

    @Test func aValidationFailureIsReplayedToo() async throws {
        let key = UUID().uuidString
        let body = Data(#"{"name": "", "slug": "x"}"#.utf8)
        let headers = ["Idempotency-Key": key, "Content-Type": "application/json"]
        let first = try await Client.send("POST", "/v1/tenants", body: body, headers: headers)
        let second = try await Client.send("POST", "/v1/tenants", body: body, headers: headers)
        #expect(first.status == 422)
        #expect(second.status == 422)
        #expect(second.isProblem)
    }

    @Test func replayOfAKeyCreationNeverShowsTheTokenAgain() async throws {
        let tenant = try await Fixtures.tenant()
        let key = UUID().uuidString
        let body = ["name": "ci", "role": "viewer"]
        let first = try await Client.send("POST", "/v1/tenants/\(tenant)/api-keys", json: body, headers: ["Idempotency-Key": key])
        let second = try await Client.send("POST", "/v1/tenants/\(tenant)/api-keys", json: body, headers: ["Idempotency-Key": key])
        let token = try #require(first["token"])
        #expect(second.status == 201)
        #expect(second["id"] == first["id"])
        #expect(second["token"] == nil)
        #expect(!second.text.contains(token))
        let stored = try TestServer.shared.database.transaction(.platform) { tx in
            try tx.query("SELECT 1 FROM idempotency_keys WHERE response LIKE '%' || $1 || '%'", [token]).count
        }
        #expect(stored == 0)
    }

    @Test func keysAreScopedToTheCaller() async throws {
        let tenant = try await Fixtures.tenant()
        let owner = try await Fixtures.apiKey(tenant, role: "owner")
        let key = UUID().uuidString
        let body = ["name": "same", "role": "viewer"]
        let mine = try await Client.send("POST", "/v1/tenants/\(tenant)/api-keys", json: body, headers: ["Idempotency-Key": key])
        let theirs = try await Client.send("POST", "/v1/tenants/\(tenant)/api-keys", auth: .bearer(owner.token), json: body, headers: ["Idempotency-Key": key])
        #expect(mine.status == 201 && theirs.status == 201)
        #expect(mine["id"] != theirs["id"])
    }

    @Test func malformedKeyIs400() async throws {
        let reply = try await Client.send(
            "POST", "/v1/tenants", json: ["name": "x", "slug": Fixtures.uniqueSlug()],
            headers: ["Idempotency-Key": String(repeating: "k", count: 300)])
        #expect(reply.status == 400)
    }
}

extension IdempotencyTests {
    @Test func aClaimAbandonedByACrashedRequestIsTakenOver() async throws {
        let key = UUID().uuidString
        let body = ["name": "After a crash", "slug": Fixtures.uniqueSlug()]
        let prefix = String(TestServer.shared.platformToken.split(separator: "_")[1])
        let principal = try #require(
            try TestServer.shared.database.transaction(.platform) { tx in
                try tx.one("SELECT 'api_key:' || id AS label FROM api_keys WHERE prefix = $1", [prefix])
            }?.string("label"))
        // A claim that a request made two minutes ago and never finished.
        try TestServer.shared.database.transaction(.platform) { tx in
            try tx.query(
                """
                INSERT INTO idempotency_keys (principal, key, method, path, request_hash, created_at)
                VALUES ($1, $2, 'POST', '/v1/tenants', 'whatever', now() - interval '2 minutes')
                """, [principal, key])
        }
        let reply = try await Client.send("POST", "/v1/tenants", json: body, headers: ["Idempotency-Key": key])
        #expect(reply.status == 201)
    }
}
