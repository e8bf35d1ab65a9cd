import Foundation
import Testing
import ClearlineTesting
import Sandbox

@Suite("Connect Zoho: the authorization-code flow against the sandbox", .requiresDatabase)
struct ZohoOAuthTests {
    /// GET `url` without following redirects; returns the status and Location.
    static func get(_ url: String) throws -> (status: Int?, location: String?) {
        let components = try #require(URLComponents(string: url))
        let target = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let response = try RawHTTP.exchange(
            Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8),
            // The callback exchanges the code with the accounts server before it answers: a
            // generous bound, as the whole suite shares the machine with it.
            port: try #require(components.port), readTimeout: 30, untilClosed: true)
        let location = response.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") }
            .map { String($0.dropFirst("location:".count)).trimmingCharacters(in: .whitespaces) }
        return (RawHTTP.status(of: response), location)
    }

    @Test func connectStoresTheRefreshTokenAndTheConnectionTestsGreen() async throws {
        let tenant = try await Fixtures.tenant()
        let id = try await VendorFixtures.zohoConnection(tenant)
        let base = "/v1/tenants/\(tenant)/environments/dev/connections/\(id)"
        #expect(try await Client.send("POST", "\(base)/test").json["ok"] as? Bool == false, "no refresh token before connecting")
        let start = try await Client.send("POST", "\(base)/oauth/start")
        #expect(start.status == 200)
        let authorization = try #require(start["authorization_url"])
        #expect(authorization.contains("access_type=offline") && authorization.contains("ZohoBooks.fullaccess.all"))
        let consent = try Self.get(authorization)
        #expect(consent.status == 302)
        let callback = try #require(consent.location)
        #expect(callback.hasPrefix(TestServer.shared.baseURL + "/oauth/zoho/callback?"))
        let landing = try Self.get(callback)
        #expect(landing.status == 303)
        #expect(landing.location?.hasPrefix("/tenant.html?id=\(tenant)&view=connections&env=dev&notice=zoho-connected") == true)

        let connection = try await Client.send("GET", base)
        #expect(connection["status"] == "connected")
        #expect((connection.json["secrets"] as? [String: [String: Any]])?["refresh_token"]?["set"] as? Bool == true)
        let check = try await Client.send("POST", "\(base)/test")
        #expect(check.json["ok"] as? Bool == true)
        #expect(check["message"]?.contains("20071234") == true)
        // The same redirect again: the state was good once.
        let replayed = try Self.get(callback)
        #expect(replayed.status == 400)
    }

    @Test func aForgedStateOrADenialConnectsNothing() async throws {
        #expect(try Self.get(TestServer.shared.baseURL + "/oauth/zoho/callback?code=x&state=forged").status == 400)
        #expect(try Self.get(TestServer.shared.baseURL + "/oauth/zoho/callback").status == 400)
        let tenant = try await Fixtures.tenant()
        let id = try await VendorFixtures.zohoConnection(tenant, secret: "wrong-secret")
        let start = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections/\(id)/oauth/start")
        let consent = try Self.get(try #require(start["authorization_url"]))
        let landing = try Self.get(try #require(consent.location))
        #expect(landing.status == 303)
        #expect(landing.location?.contains("notice=zoho-failed") == true)
        #expect(landing.location?.contains("invalid_client_secret") == true)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/connections/\(id)")["status"] == "failed")
    }

    @Test func onlyAdminsOfTheTenantStartAFlowAndOnlyForZoho() async throws {
        let tenant = try await Fixtures.tenant()
        let id = try await VendorFixtures.zohoConnection(tenant)
        let viewer = try await Fixtures.apiKey(tenant, role: "viewer")
        #expect(
            try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections/\(id)/oauth/start", auth: .bearer(viewer.token)).status == 403)
        let other = try await Fixtures.tenant()
        let outsider = try await Fixtures.apiKey(other, role: "owner")
        #expect(
            try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections/\(id)/oauth/start", auth: .bearer(outsider.token)).status == 404)
        let payTrace = try await VendorFixtures.payTrace(tenant, password: "whatever-password")
        #expect(try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections/\(payTrace)/oauth/start").status == 409)
    }
}
