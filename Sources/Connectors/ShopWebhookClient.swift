public import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
public import Domain
import Crypto

/// Clearline's outbound webhook to a merchant's shop: a JSON event signed as Clearline signs
/// for its own receivers (`Clearline-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`),
/// with `Clearline-Event-Id` the same on every retry so the shop can drop repeats. A 2xx is
/// delivered; 408, 429 and 5xx are tried again with backoff; any other 4xx is the shop's refusal.
public struct ShopWebhookClient: Sendable {
    public let url: URL
    let secret: [UInt8]
    let transport: HTTPTransport

    public init(url: URL, signingSecret: String, timeout: TimeInterval = 10) {
        self.url = url
        self.secret = Array(signingSecret.utf8)
        self.transport = HTTPTransport(timeout: timeout)
    }

    public static func forConnection(_ connection: Connection, secrets: [String: String]) throws -> ShopWebhookClient {
        guard let text = connection.text("webhook_url"), let url = URL(string: text) else {
            throw ConnectorError(.permanent, "The shop connection has no webhook URL.")
        }
        guard let secret = secrets["signing_secret"], !secret.isEmpty else {
            throw ConnectorError(.authentication, "The shop connection has no signing secret; set one and give the shop the same.")
        }
        return ShopWebhookClient(url: url, signingSecret: secret)
    }

    /// Sends `{"id", "type", "created_at", "data"}`; returns the event id.
    @discardableResult
    public func send(type: String, id: String, data: JSONValue, now: Date = Date()) throws -> String {
        let event = JSONValue.object(["id": .string(id), "type": .string(type), "created_at": .string(Timestamp.format(now)), "data": data])
        let body = Array(event.canonicalText.utf8)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(id, forHTTPHeaderField: "Clearline-Event-Id")
        request.setValue(type, forHTTPHeaderField: "Clearline-Event-Type")
        request.setValue(SignatureHeader.sign(body, key: secret, time: Int(now.timeIntervalSince1970)), forHTTPHeaderField: SignatureHeader.name)
        request.setValue("Clearline-Webhooks/1", forHTTPHeaderField: "User-Agent")
        let reply = try transport.send(request, vendor: "The shop")
        if reply.status == 408 { throw ConnectorError(.retryable, "The shop timed out reading the delivery (HTTP 408); we will try again.") }
        if let error = ConnectorError.forStatus(reply.status, vendor: "The shop", retryAfter: reply.header("retry-after")) { throw error }
        return id
    }
}
