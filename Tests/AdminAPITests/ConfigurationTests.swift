import Foundation
import Testing
import ClearlineTesting
import HTTPServer
import Persistence
@testable import AdminAPI

@Suite("Behaviour that depends on deployment settings", .requiresDatabase)
struct ConfigurationTests {
    static func request(_ method: String, _ path: String, json: String? = nil) -> Request {
        Request(
            method: method, path: path, query: [:], headers: json == nil ? [:] : ["content-type": "application/json"],
            body: Array((json ?? "").utf8), clientAddress: "192.0.2.\(Int.random(in: 1...254))")
    }

    @Test func behindHTTPSTheSessionCookieIsSecure() async throws {
        let tenant = try await Fixtures.tenant()
        let user = try await Fixtures.user(tenant, role: "viewer")
        let app = App(
            database: TestServer.shared.database, vault: TestServer.shared.vault,
            configuration: APIConfiguration(
                publicDirectory: "/nonexistent", publicURL: "https://clearline.example.com",
                passwordIterations: 10_000, loginLimits: .init(maxFailuresPerClient: 10_000)),
            logger: TestServer.quietLogger)
        let body = #"{"email":"\#(user.email)","password":"\#(user.password)"}"#
        let response = app.handle(Self.request("POST", "/v1/auth/login", json: body))
        #expect(response.status == 200)
        let cookie = try #require(response.header("Set-Cookie"))
        #expect(cookie.hasSuffix("; Secure"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
    }

    @Test func readyzIs503WhileMigrationsArePending() throws {
        try TestServer.withTemporaryDatabase { conninfo in try Self.checkReadinessOfUnmigrated(conninfo) }
    }

    static func checkReadinessOfUnmigrated(_ conninfo: String) throws {
        let empty = Database(conninfo: conninfo, poolSize: 1, logger: TestServer.quietLogger)
        defer { empty.pool.close() }
        // Only the bookkeeping table exists: the database answers, the schema is behind.
        try empty.pool.withConnection {
            try $0.execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text, checksum text, applied_at timestamptz)")
        }
        let app = App(
            database: empty, vault: TestServer.shared.vault, configuration: APIConfiguration(publicDirectory: "/nonexistent"), logger: TestServer.quietLogger)
        let pending = app.handle(Self.request("GET", "/readyz"))
        #expect(pending.status == 503)
        #expect(pending.header("Content-Type") == "application/problem+json")
        #expect(app.handle(Self.request("GET", "/healthz")).status == 200)
    }

    @Test func readyzIs503WhenTheDatabaseIsUnreachable() throws {
        let unreachable = Database(conninfo: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1", poolSize: 1, logger: TestServer.quietLogger)
        let app = App(
            database: unreachable, vault: TestServer.shared.vault, configuration: APIConfiguration(publicDirectory: "/nonexistent"),
            logger: TestServer.quietLogger)
        let response = app.handle(Self.request("GET", "/readyz"))
        #expect(response.status == 503)
        #expect(response.header("Retry-After") == "2")
        // A well-formed key must be looked up: the database being away is a 503, never a 500.
        let authenticated = Request(
            method: "GET", path: "/v1/tenants", query: [:], headers: ["authorization": "Bearer cl_0123456789ab_secret"],
            body: [], clientAddress: "127.0.0.1")
        let listed = app.handle(authenticated)
        #expect(listed.status == 503)
        #expect(listed.header("Content-Type") == "application/problem+json")
    }
}
