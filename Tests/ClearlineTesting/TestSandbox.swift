import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Logging
import Connectors
import Sandbox
import Domain

/// The vendor emulators, on an ephemeral port, shared by the suites that need a vendor.
public enum TestSandbox {
    public static let shared: SandboxServer = {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        do { try sandbox.startAsAllowedVendor() } catch { fatalError("cannot start the sandbox: \(error)") }
        return sandbox
    }()

    /// A Zoho session on `sandbox` as Zoho's "Self Client" gets one: a grant code from the
    /// console, exchanged for a refresh token (Books, Inventory and CRM).
    public static func selfClientSession(
        _ sandbox: SandboxServer, cacheKey: String, onQuota: (@Sendable (ZohoSession.Quota) -> Void)? = nil
    ) throws -> (session: ZohoSession, refreshToken: String) {
        let accounts = ZohoAccountsClient(
            accountsURL: URL(string: sandbox.baseURL + "/zoho/accounts")!, clientId: SandboxServer.demoZohoClient.id,
            clientSecret: SandboxServer.demoZohoClient.secret)
        var code = URLRequest(url: URL(string: sandbox.baseURL + "/_sandbox/zoho/self-client/code")!)
        code.httpMethod = "POST"
        code.httpBody = Data(
            "client_id=\(SandboxServer.demoZohoClient.id)&scope=ZohoBooks.fullaccess.all,ZohoInventory.fullaccess.all,ZohoCRM.modules.ALL".utf8)
        code.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let answer = try JSONSerialization.jsonObject(with: try HTTPTransport().send(code, vendor: "sandbox").body) as? [String: Any]
        guard let grant = answer?["code"] as? String else { throw ConnectorError(.permanent, "the sandbox gave no grant code") }
        guard let refresh = try accounts.exchange(code: grant, redirectURI: ZohoAccountsEmulator.selfClientRedirect).refreshToken else {
            throw ConnectorError(.permanent, "the sandbox's accounts server gave no refresh token")
        }
        let session = ZohoSession(
            apiDomain: URL(string: sandbox.baseURL + "/zoho/api")!, accounts: accounts, refreshToken: refresh,
            tokens: TokenCache(), cacheKey: cacheKey, onQuota: onQuota)
        return (session, refresh)
    }
}

extension SandboxServer {
    /// Starts the sandbox and allows its address, as the platform administrator does for a
    /// sandbox (`CLEARLINE_OUTBOUND_ALLOW`): tenants' connections may call it and nothing else local.
    public func startAsAllowedVendor() throws {
        try start()
        try OutboundPolicy.allow("127.0.0.1:\(port)")
    }
}
