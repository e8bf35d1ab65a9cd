import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Logging
import Testing
import Connectors
import Sandbox
import Domain

/// A PayTrace sandbox of a test's own, a client for it, and cards and sales to send it.
enum PayTraceFixtures {
    static let account = SandboxServer.demoPayTraceAccount

    /// A sandbox of its own per test, so fault queues and token counts do not mix.
    static func sandbox(tokenLifetime: TimeInterval = 7200) throws -> SandboxServer {
        var logger = Logger(label: "sandbox")
        logger.logLevel = .critical
        let server = SandboxServer(port: 0, payTrace: PayTraceEmulator(accounts: [account], tokenLifetime: tokenLifetime), logger: logger)
        try server.start()
        // As the platform administrator does for a sandbox: its address is the allowed exception.
        try OutboundPolicy.allow("127.0.0.1:\(server.port)")
        return server
    }

    static func client(_ sandbox: SandboxServer, password: String = account.password, cache: TokenCache = TokenCache()) -> PayTraceClient {
        PayTraceClient(
            baseURL: URL(string: sandbox.baseURL + "/paytrace")!,
            credentials: .init(username: account.username, password: password, integratorId: account.integratorId),
            cacheKey: "connection-1", transport: HTTPTransport(timeout: 3), tokens: cache)
    }

    static let visa = "4012000098765439"

    static func sale(_ client: PayTraceClient, amount: String, number: String = visa, month: Int = 12, invoice: String? = nil) throws -> PayTraceReply {
        var body: [String: Any] = ["amount": amount, "credit_card": ["number": number, "expiration_month": month, "expiration_year": 2030]]
        if let invoice { body["invoice_id"] = invoice }
        return try client.call("v1/transactions/sale/keyed", body)
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MM/dd/yyyy"
        return formatter.string(from: Date())
    }
}
