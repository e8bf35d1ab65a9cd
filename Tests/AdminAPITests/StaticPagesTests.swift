import Foundation
import Testing
import ClearlineTesting

@Suite("Admin pages: content types, ETag, Content-Security-Policy", .requiresDatabase)
struct StaticPagesTests {
    @Test(arguments: [
        ("/", "text/html"), ("/login.html", "text/html"), ("/tenant.html", "text/html"),
        ("/js/api.js", "text/javascript"), ("/css/app.css", "text/css"),
    ])
    func pagesAreServedWithTheRightType(_ path: String, _ type: String) async throws {
        let reply = try await Client.send("GET", path, auth: .none)
        #expect(reply.status == 200, "\(path)")
        #expect(reply.header("content-type")?.hasPrefix(type) == true, "\(path): \(reply.header("content-type") ?? "-")")
        let csp = try #require(reply.header("content-security-policy"))
        #expect(csp.contains("script-src 'self'"))
        #expect(csp.contains("frame-ancestors 'none'"))
        #expect(reply.header("x-content-type-options") == "nosniff")
        #expect(reply.header("etag") != nil)
    }

    /// Issue 14, item 8: API answers, problems included, are data a browser must not sniff or frame.
    @Test func apiAnswersCarryNosniffAndALockedDownPolicy() async throws {
        for (path, status) in [("/v1/auth/session", 401), ("/healthz", 200), ("/v1/no-such-thing", 404)] {
            let reply = try await Client.send("GET", path, auth: .none)
            #expect(reply.status == status, "\(path)")
            #expect(reply.header("x-content-type-options") == "nosniff", "\(path)")
            #expect(reply.header("content-security-policy") == "default-src 'none'; frame-ancestors 'none'", "\(path)")
        }
    }

    @Test func anUnchangedPageRevalidatesWith304() async throws {
        let first = try await Client.send("GET", "/login.html", auth: .none)
        let etag = try #require(first.header("etag"))
        let second = try await Client.send("GET", "/login.html", auth: .none, headers: ["If-None-Match": etag])
        #expect(second.status == 304)
        #expect(second.body.isEmpty)
    }

    @Test func pathsOutsidePublicAreNotServed() async throws {
        for path in ["/../Package.swift", "/Package.swift", "/%2e%2e/Package.swift", "/js/../../openapi.yaml"] {
            #expect(try await Client.send("GET", path, auth: .none).status == 404, "\(path)")
        }
    }
}
