import Foundation
import Testing

/// Builders for the data tests need, all through the public API.
public enum Fixtures {
    public static func uniqueSlug(_ base: String = "t") -> String {
        "\(base)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A new tenant, created by the platform admin; returns its id.
    public static func tenant(name: String = "Test Merchant") async throws -> String {
        let reply = try await Client.send("POST", "/v1/tenants", json: ["name": name, "slug": uniqueSlug()])
        try #require(reply.status == 201, "tenant creation failed: \(reply.status) \(reply.text)")
        return try #require(reply["id"])
    }

    /// A new API key of `role` in `tenant`; returns (id, token).
    public static func apiKey(_ tenant: String, role: String, auth: Client.Auth = .platform) async throws -> (id: String, token: String) {
        let reply = try await Client.send("POST", "/v1/tenants/\(tenant)/api-keys", auth: auth, json: ["name": "\(role) key", "role": role])
        try #require(reply.status == 201, "key creation failed: \(reply.status) \(reply.text)")
        return (try #require(reply["id"]), try #require(reply["token"]))
    }

    /// A new tenant user; returns (id, email, password).
    public static func user(_ tenant: String, role: String) async throws -> (id: String, email: String, password: String) {
        let email = "\(UUID().uuidString.prefix(10).lowercased())@example.com"
        let password = "correct horse \(UUID().uuidString.prefix(6))"
        let reply = try await Client.send("POST", "/v1/tenants/\(tenant)/users", json: ["email": email, "password": password, "role": role])
        try #require(reply.status == 201, "user creation failed: \(reply.status) \(reply.text)")
        return (try #require(reply["id"]), email, password)
    }

    /// Logs in and returns the session cookie value and CSRF token.
    public static func login(_ email: String, _ password: String) async throws -> (cookie: String, csrf: String) {
        let reply = try await Client.send("POST", "/v1/auth/login", auth: .none, json: ["email": email, "password": password])
        try #require(reply.status == 200, "login failed: \(reply.status) \(reply.text)")
        let setCookie = try #require(reply.header("set-cookie"))
        let value = try #require(setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last)
        return (String(value), try #require(reply["csrf_token"]))
    }
}
