import Foundation
import Testing
public import Connectors
public import Sandbox

/// Connections to the sandbox's vendors, made through the API.
public enum VendorFixtures {
    /// A Zoho connection in dev, connected as Zoho's self client is, against the sandbox.
    public static func connectedZoho(_ tenant: String, sandbox: SandboxServer = TestSandbox.shared) async throws -> ZohoSession {
        try await connectedZohoConnection(tenant, sandbox: sandbox).session
    }

    /// The same, with the connection's id.
    public static func connectedZohoConnection(_ tenant: String, sandbox: SandboxServer = TestSandbox.shared) async throws -> (
        id: String, session: ZohoSession
    ) {
        let id = try await VendorFixtures.zohoConnection(tenant, sandbox: sandbox)
        let (session, refresh) = try TestSandbox.selfClientSession(sandbox, cacheKey: "o2c-\(tenant)")
        let patched = try await Client.send(
            "PATCH", "/v1/tenants/\(tenant)/environments/dev/connections/\(id)",
            json: ["settings": ["api_domain": sandbox.baseURL + "/zoho/api", "inventory": true, "crm": true], "secrets": ["refresh_token": refresh]])
        try #require(patched.status == 200, "\(patched.text)")
        return (id, session)
    }

    /// A dev PayTrace connection to `sandbox`'s emulator; `settings` adds to its base URL (polling, say).
    public static func payTrace(
        _ tenant: String, password: String = SandboxServer.demoPayTraceAccount.password, sandbox: SandboxServer = TestSandbox.shared,
        settings: [String: Any] = [:]
    ) async throws -> String {
        let account = SandboxServer.demoPayTraceAccount
        let reply = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/environments/dev/connections",
            json: [
                "kind": "paytrace", "name": "PayTrace sandbox", "settings": ["base_url": sandbox.baseURL + "/paytrace"].merging(settings) { $1 },
                "secrets": ["username": account.username, "password": password, "integrator_id": account.integratorId],
            ])
        try #require(reply.status == 201, "\(reply.text)")
        return try #require(reply["id"])
    }

    /// A flat fee schedule on a PayTrace connection: 2.9% + 0.30 a sale, whatever the brand.
    public static func flatFees(_ tenant: String, payTrace: String) async throws {
        let reply = try await Client.send(
            "PUT", "/v1/tenants/\(tenant)/environments/dev/connections/\(payTrace)/fee-schedule",
            json: ["rules": [["card_brand": NSNull(), "transaction_type": "SALE", "percent": "2.9", "fixed": "0.30", "effective_from": "2026-01-01"]]])
        #expect(reply.status == 200, "\(reply.text)")
    }

    /// A PayTrace client of the demo account on `sandbox`, with a token cache of its own.
    public static func payTraceClient(_ sandbox: SandboxServer, cacheKey: String) -> PayTraceClient {
        let account = SandboxServer.demoPayTraceAccount
        return PayTraceClient(
            baseURL: URL(string: sandbox.baseURL + "/paytrace")!,
            credentials: .init(username: account.username, password: account.password, integratorId: account.integratorId), cacheKey: cacheKey,
            tokens: TokenCache())
    }

    public static func zohoConnection(_ tenant: String, secret: String = SandboxServer.demoZohoClient.secret, sandbox: SandboxServer = TestSandbox.shared)
        async throws -> String
    {
        let reply = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/environments/dev/connections",
            json: [
                "kind": "zoho", "name": "Zoho Books",
                "settings": [
                    "data_center": "us", "organization_id": "20071234", "books": true, "accounts_url": sandbox.baseURL + "/zoho/accounts",
                    // Every test's tenant shares the sandbox's one organization, and its request budget.
                    "requests_per_minute": "600000",
                ],
                "secrets": ["client_id": SandboxServer.demoZohoClient.id, "client_secret": secret],
            ])
        try #require(reply.status == 201)
        return try #require(reply["id"])
    }

    public static func paytrace(_ marker: String) -> [String: Any] {
        [
            "kind": "paytrace", "name": "PayTrace sandbox",
            "settings": ["base_url": "https://api.sandbox.paytrace.com"],
            "secrets": ["username": "api-user-\(marker)", "password": "pw-\(marker)-long-enough", "integrator_id": "int\(marker)"],
        ]
    }
}
