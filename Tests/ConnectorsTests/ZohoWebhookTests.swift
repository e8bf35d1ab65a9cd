import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import Logging
import Connectors
import Crypto
import HTTPServer
import Sandbox

/// Zoho's outbound workflow webhooks, received by a real HTTP server on a loopback port.
@Suite("Zoho Books workflow webhooks from the sandbox")
struct ZohoWebhookTests {
    final class Receiver: @unchecked Sendable {
        let lock = NSLock()
        var received: [Request] = []
        var server: HTTPServer!

        init() throws {
            var logger = Logger(label: "receiver")
            logger.logLevel = .critical
            server = HTTPServer(
                configuration: .init(host: "127.0.0.1", port: 0, threads: 2, executorThreads: 2), logger: logger,
                oversized: { _ in Response(status: 413) }
            ) { [unowned self] request in
                lock.withLock { received.append(request) }
                return Response(status: 200)
            }
            try server.start()
        }

        var url: String { "http://127.0.0.1:\(server.port)/hooks/zoho?source=books" }

        func waitFor(_ count: Int) throws -> [Request] {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                let got = lock.withLock { received }
                if got.count >= count { return got }
                Thread.sleep(forTimeInterval: 0.02)
            }
            Issue.record("only \(lock.withLock { received.count }) of \(count) deliveries arrived")
            return lock.withLock { received }
        }
    }

    static func variant(_ sandbox: SandboxServer, _ mode: String) throws {
        var request = URLRequest(url: URL(string: sandbox.baseURL + "/_sandbox/zoho/webhooks/variant")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"mode":"\#(mode)"}"#.utf8)
        _ = try HTTPTransport(timeout: 5).send(request, vendor: "sandbox")
    }

    @Test func signedPayloadsArriveAndSpoiledOnesDoNotVerify() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let receiver = try Receiver()
        defer { receiver.server.shutdown(gracePeriod: .seconds(1)) }
        let books = ZohoBooksClient(session: try ZohoFixtures.session(sandbox), organizationId: "20071234")
        let secret = "whsecret12345678"
        let hook = try books.createWebhook(name: "invoices to Clearline", entity: "invoice", url: receiver.url, secret: secret)
        #expect(hook["secret"] == nil, "the secret is never echoed")
        #expect(throws: ConnectorError.self) { try books.createWebhook(name: "x", entity: "invoice", url: receiver.url, secret: "short") }

        let customer = try #require(try books.createContact(["contact_name": "Hooked"])["contact_id"] as? String)
        func invoice() throws { _ = try books.createInvoice(["customer_id": customer, "line_items": [["name": "A", "rate": "5.00", "quantity": 1]]]) }
        try invoice()
        try Self.variant(sandbox, "tampered")
        try invoice()
        try Self.variant(sandbox, "unsigned")
        try invoice()
        try Self.variant(sandbox, "replayed")
        try invoice()
        let deliveries = try receiver.waitFor(4)
        let url = URL(string: receiver.url)!
        func verifies(_ request: Request) -> Bool {
            guard let header = request.header("x-zoho-webhook-signature") else { return false }
            // Computed here from the documented recipe, not with the sandbox's own function.
            let expected = Encoding.hex(Digest.hmacSHA256(key: Array(secret.utf8), message: Array("sourcebooks".utf8) + request.body))
            return header == expected && header == ZohoWebhooks.signature(url: url, body: request.body, secret: secret)
        }
        #expect(deliveries[0].header("x-zoho-event") == "invoice.created")
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(deliveries[0].body)) as? [String: Any])
        #expect((payload["invoice"] as? [String: Any])?["customer_id"] as? String == customer)
        #expect(verifies(deliveries[0]))
        #expect(!verifies(deliveries[1]), "tampered")
        #expect(deliveries[2].header("x-zoho-webhook-signature") == nil, "unsigned")
        #expect(verifies(deliveries[3]) && deliveries[3].body == deliveries[2].body, "a replay is the previous delivery again, validly signed")
    }
}
