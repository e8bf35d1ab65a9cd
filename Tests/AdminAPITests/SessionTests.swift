import Foundation
import Testing
import ClearlineTesting

@Suite("Password login, session cookie and CSRF", .requiresDatabase)
struct SessionTests {
    @Test func loginSetsAHardenedCookieAndTheSessionWorks() async throws {
        let tenant = try await Fixtures.tenant()
        let user = try await Fixtures.user(tenant, role: "admin")
        let reply = try await Client.send("POST", "/v1/auth/login", auth: .none, json: ["email": user.email.uppercased(), "password": user.password])
        #expect(reply.status == 200)
        let cookie = try #require(reply.header("set-cookie"))
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Strict"))
        #expect(cookie.contains("Path=/"))
        #expect(!cookie.contains("Secure"), "plain-HTTP test server: Secure only behind https")
        let session = try await Fixtures.login(user.email, user.password)
        let me = try await Client.send("GET", "/v1/auth/session", auth: .session(cookie: session.cookie, csrf: nil))
        #expect(me.status == 200)
        #expect(me["tenant_id"] == tenant)
        #expect(me["role"] == "admin")
        #expect(me["csrf_token"] == session.csrf)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/api-keys", auth: .session(cookie: session.cookie, csrf: nil)).status == 200)
    }

    @Test func cookieWritesNeedTheCSRFToken() async throws {
        let tenant = try await Fixtures.tenant()
        let user = try await Fixtures.user(tenant, role: "admin")
        let session = try await Fixtures.login(user.email, user.password)
        let body = ["name": "from the browser", "role": "viewer"]
        let missing = try await Client.send("POST", "/v1/tenants/\(tenant)/api-keys", auth: .session(cookie: session.cookie, csrf: nil), json: body)
        #expect(missing.status == 403)
        let wrong = try await Client.send("POST", "/v1/tenants/\(tenant)/api-keys", auth: .session(cookie: session.cookie, csrf: "0000"), json: body)
        #expect(wrong.status == 403)
        let right = try await Client.send("POST", "/v1/tenants/\(tenant)/api-keys", auth: .session(cookie: session.cookie, csrf: session.csrf), json: body)
        #expect(right.status == 201)
    }

    @Test func logoutEndsTheSession() async throws {
        let tenant = try await Fixtures.tenant()
        let user = try await Fixtures.user(tenant, role: "viewer")
        let session = try await Fixtures.login(user.email, user.password)
        let out = try await Client.send("POST", "/v1/auth/logout", auth: .session(cookie: session.cookie, csrf: session.csrf))
        #expect(out.status == 204)
        #expect(out.header("set-cookie")?.contains("Max-Age=0") == true)
        #expect(try await Client.send("GET", "/v1/auth/session", auth: .session(cookie: session.cookie, csrf: nil)).status == 401)
    }

    @Test func wrongPasswordAndUnknownUserLookTheSame() async throws {
        let tenant = try await Fixtures.tenant()
        let user = try await Fixtures.user(tenant, role: "viewer")
        let wrong = try await Client.send("POST", "/v1/auth/login", auth: .none, json: ["email": user.email, "password": "not the password"])
        let unknown = try await Client.send(
            "POST", "/v1/auth/login", auth: .none, json: ["email": "nobody-\(UUID())@example.com", "password": "whatever it is"])
        #expect(wrong.status == 401 && unknown.status == 401)
        #expect(wrong["detail"] == unknown["detail"])
    }

    @Test func oneAddressCanHaveAnAccountInEachTenantAndThePasswordSaysWhich() async throws {
        let (first, second) = (try await Fixtures.tenant(), try await Fixtures.tenant())
        let email = "\(UUID().uuidString.prefix(10).lowercased())@example.com"
        func create(_ tenant: String, _ password: String) async throws -> Int {
            try await Client.send("POST", "/v1/tenants/\(tenant)/users", json: ["email": email, "password": password, "role": "viewer"]).status
        }
        // Another tenant's use of an address neither shows nor blocks; within one it is unique.
        #expect(try await create(first, "first password here") == 201)
        #expect(try await create(second, "second password here") == 201)
        #expect(try await create(second, "third password here") == 409)
        func sessionTenant(_ password: String, tenant slug: String? = nil) async throws -> (Int, String?) {
            var body = ["email": email, "password": password]
            if let slug { body["tenant"] = slug }
            let reply = try await Client.send("POST", "/v1/auth/login", auth: .none, json: body)
            return (reply.status, (reply.json["user"] as? [String: Any])?["tenant_id"] as? String ?? reply["detail"])
        }
        #expect(try await sessionTenant("first password here") == (200, first))
        #expect(try await sessionTenant("second password here") == (200, second))
        #expect(try await sessionTenant("neither of them").0 == 401)

        // The same password in both: the login names the workspaces (only to whoever knows it).
        let third = try await Fixtures.tenant()
        #expect(try await create(third, "first password here") == 201)
        let (status, detail) = try await sessionTenant("first password here")
        #expect(status == 409 && detail?.contains("several workspaces") == true, "\(status) \(detail ?? "")")
        let slug = try #require(try await Client.send("GET", "/v1/tenants/\(third)")["slug"])
        #expect(try await sessionTenant("first password here", tenant: slug) == (200, third))
    }

    @Test func repeatedFailuresAreRateLimited() async throws {
        let tenant = try await Fixtures.tenant()
        let user = try await Fixtures.user(tenant, role: "viewer")
        for _ in 0..<5 {
            let reply = try await Client.send("POST", "/v1/auth/login", auth: .none, json: ["email": user.email, "password": "guess guess guess"])
            #expect(reply.status == 401)
        }
        let limited = try await Client.send("POST", "/v1/auth/login", auth: .none, json: ["email": user.email, "password": user.password])
        #expect(limited.status == 429)
        #expect(limited.isProblem)
        #expect(Int(limited.header("retry-after") ?? "") ?? 0 > 0)
    }

    /// Issue 14, item 5: forty wrong passwords at once are forty in a queue; no more than the
    /// limit reach the password hash, the rest wait.
    @Test func concurrentFailuresCannotRaceTheLimit() async throws {
        let tenant = try await Fixtures.tenant()
        let user = try await Fixtures.user(tenant, role: "viewer")
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await Client.send("POST", "/v1/auth/login", auth: .none, json: ["email": user.email, "password": "wrong guess \(index)"]).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 401 }.count == 5 && statuses.filter { $0 == 429 }.count == 35, "\(statuses.sorted())")
        let hashed = try TestServer.shared.database.transaction(.platform) { tx in
            try tx.one("SELECT count(*) AS n FROM login_attempts WHERE email = $1", [user.email.lowercased()])?.int("n") ?? -1
        }
        #expect(hashed == 5, "attempts that reached the hash")
    }

    @Test func deletedUserSessionsEnd() async throws {
        let tenant = try await Fixtures.tenant()
        let user = try await Fixtures.user(tenant, role: "viewer")
        let session = try await Fixtures.login(user.email, user.password)
        #expect(try await Client.send("DELETE", "/v1/tenants/\(tenant)/users/\(user.id)").status == 204)
        #expect(try await Client.send("GET", "/v1/auth/session", auth: .session(cookie: session.cookie, csrf: nil)).status == 401)
    }
}
