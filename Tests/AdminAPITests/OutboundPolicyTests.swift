import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import ClearlineTesting
import Connectors
import Domain

/// A tenant's addresses never make Clearline call inside its own network: not itself, not
/// loopback, link-local (cloud metadata), private or PostgreSQL's port; not by a redirect; and
/// what answers is read only up to a cap, its error text repeated only as a short clean excerpt.
@Suite("Outbound policy: no tenant address reaches inside", .requiresDatabase)
struct OutboundPolicyTests {
    static func connections(_ tenant: String) -> String { "/v1/tenants/\(tenant)/environments/dev/connections" }

    static func payTrace(_ tenant: String, baseURL: String) async throws -> Reply {
        try await Client.send(
            "POST", connections(tenant),
            json: [
                "kind": "paytrace", "name": "PayTrace", "settings": ["base_url": baseURL],
                "secrets": ["username": "api-user", "password": "a-long-enough-password"],
            ])
    }

    @Test func addressesInsideAreRefusedWhenSavedWithTheReason() async throws {
        let tenant = try await Fixtures.tenant()
        let clearline = TestServer.shared.http.port
        let postgres = ProcessInfo.processInfo.environment["CLEARLINE_PG_PORT"] ?? "5432"
        let refused: [(url: String, reason: String)] = [
            ("http://127.0.0.1:\(clearline)/v1", "loopback"),
            ("https://127.0.0.1:\(postgres)/", "loopback"),
            ("https://localhost/", "loopback"),
            ("https://169.254.169.254/latest/meta-data/", "link-local"),
            ("https://10.1.2.3/", "private"),
            ("https://172.16.0.9/", "private"),
            ("https://192.168.1.1/", "private"),
            ("https://100.64.0.1/", "shared"),
            ("https://0.0.0.0/", "unspecified"),
            ("https://224.0.0.1/", "multicast"),
            ("https://[::1]:8443/", "loopback"),
            ("https://[::ffff:127.0.0.1]/", "loopback"),
            ("https://[fe80::1]/", "link-local"),
            ("https://[fd00::5]/", "private"),
            ("http://api.paytrace.com/", "https"),
            ("https://user:pw@api.paytrace.com/", "user name"),
            ("ftp://api.paytrace.com/", "https"),
        ]
        for (url, reason) in refused {
            let reply = try await Self.payTrace(tenant, baseURL: url)
            #expect(reply.status == 422 && reply.isProblem, "\(url): \(reply.status)")
            let error = (reply.json["errors"] as? [[String: Any]])?.first
            #expect(error?["field"] as? String == "settings.base_url", "\(url)")
            #expect((error?["message"] as? String)?.contains(reason) == true, "\(url): \(reply.text)")
        }
        // The same rule for every address a tenant types: a shop's webhook, Zoho's hosts.
        let shop = try await Client.send(
            "POST", Self.connections(tenant),
            json: ["kind": "shop", "name": "Shop", "settings": ["webhook_url": "https://169.254.169.254/hook"], "secrets": ["signing_secret": "s3cret-s3cret"]])
        #expect(shop.status == 422 && shop.text.contains("settings.webhook_url"))
        let zoho = try await Client.send(
            "POST", Self.connections(tenant),
            json: [
                "kind": "zoho", "name": "Zoho",
                "settings": ["data_center": "us", "organization_id": "1", "accounts_url": "https://10.0.0.1/", "api_domain": "https://[::1]/"],
            ])
        #expect(zoho.status == 422 && zoho.text.contains("settings.accounts_url") && zoho.text.contains("settings.api_domain"))
        // And a change to an existing connection.
        let good = try await Self.payTrace(tenant, baseURL: "https://api.sandbox.paytrace.com")
        let id = try #require(good["id"], "\(good.text)")
        let patched = try await Client.send("PATCH", "\(Self.connections(tenant))/\(id)", json: ["settings": ["base_url": "https://192.168.0.10/"]])
        #expect(patched.status == 422 && patched.text.contains("private"))
    }

    @Test func anAddressIsJudgedAgainWhenCalledAndARedirectInsideIsNotFollowed() async throws {
        let tenant = try await Fixtures.tenant()
        // Allowed when saved, then the administrator takes the exception back: the Test judges
        // the address it would call now, and says why it did not.
        let vendor = try HostileVendor(.error(json: "{}"))
        defer { vendor.release() }
        try OutboundPolicy.allow("127.0.0.1:\(vendor.port)")
        let saved = try await Self.payTrace(tenant, baseURL: vendor.baseURL)
        let id = try #require(saved["id"], "\(saved.text)")
        OutboundPolicy.disallow("127.0.0.1:\(vendor.port)")
        let check = try await Client.send("POST", "\(Self.connections(tenant))/\(id)/test")
        #expect(check.status == 200 && check.json["ok"] as? Bool == false)
        #expect(check["message"]?.contains("127.0.0.1 is a loopback address") == true, "\(check.text)")
        #expect(vendor.received == 0, "nothing was sent to the refused address")

        // An allowed vendor that redirects to Clearline itself: the redirect is not followed.
        let bouncer = try HostileVendor(.redirect(location: TestServer.shared.baseURL + "/v1/tenants"))
        defer { bouncer.release() }
        try OutboundPolicy.allow("127.0.0.1:\(bouncer.port)")
        let bouncing = try await Self.payTrace(tenant, baseURL: bouncer.baseURL)
        let bouncingId = try #require(bouncing["id"])
        let bounced = try await Client.send("POST", "\(Self.connections(tenant))/\(bouncingId)/test")
        #expect(bounced.json["ok"] as? Bool == false)
        #expect(bounced["message"]?.contains("redirects only to the same host") == true, "\(bounced.text)")
    }

    @Test func aHugeBodyStopsAtTheCapAndErrorTextIsAShortCleanExcerpt() async throws {
        let tenant = try await Fixtures.tenant()
        // 400 MB with no length, and 400 MB declared: a Test reads at most 1 MB of either.
        for behaviour in [HostileVendor.Behaviour.endlessBody, .declaredBody(bytes: 400 << 20)] {
            let vendor = try HostileVendor(behaviour)
            defer { vendor.release() }
            try OutboundPolicy.allow("127.0.0.1:\(vendor.port)")
            let created = try await Self.payTrace(tenant, baseURL: vendor.baseURL)
            let check = try await Client.send("POST", "\(Self.connections(tenant))/\(try #require(created["id"]))/test")
            #expect(check.json["ok"] as? Bool == false)
            #expect(check["message"]?.contains("answered with more than 1 MB") == true, "\(check.text)")
            #expect(vendor.bytesSent < 100 << 20, "the vendor could write only \(vendor.bytesSent) bytes before Clearline stopped reading")
        }
        // A worker's calls are capped too, at 32 MB.
        let endless = try HostileVendor(.endlessBody)
        defer { endless.release() }
        try OutboundPolicy.allow("127.0.0.1:\(endless.port)")
        let error = #expect(throws: ConnectorError.self) {
            try HTTPTransport().send(URLRequest(url: URL(string: endless.baseURL + "/export")!), vendor: "PayTrace")
        }
        #expect(error?.message.contains("more than 32 MB") == true)
        #expect(endless.bytesSent < 150 << 20, "\(endless.bytesSent) bytes sent")

        // PayTrace's error text, from whatever answers: one line, bounded, no card number.
        let card = "4111111111111111"
        let noisy = String(repeating: "x", count: 3000)
        let talker = try HostileVendor(.error(json: #"{"error":"line one\nline two\u0000 card \#(card) \#(noisy)"}"#))
        defer { talker.release() }
        try OutboundPolicy.allow("127.0.0.1:\(talker.port)")
        let created = try await Self.payTrace(tenant, baseURL: talker.baseURL)
        let check = try await Client.send("POST", "\(Self.connections(tenant))/\(try #require(created["id"]))/test")
        let message = try #require(check["message"], "\(check.text)")
        #expect(message.hasPrefix("PayTrace refused the token request (line one line two"), "\(message)")
        #expect(message.count < 300 && !message.contains("\n") && !message.contains("\u{0}") && !message.contains(card), "\(message)")
    }
}
