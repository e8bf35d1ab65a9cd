public import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
public import Domain
import Crypto

/// Clearline's outbound webhook to a merchant's shop: a JSON event signed either as Clearline
/// signs for its own receivers (`Clearline-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`,
/// body `{"id", "type", "created_at", "data"}`) or as Standard Webhooks does (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature: v1,<base64>`, body `{"type", "timestamp", "data"}`),
/// so a shop can verify with the scheme's own libraries. The event id is the same on every retry
/// so the shop can drop repeats. A 2xx is delivered; 408, 429 and 5xx are tried again with
/// backoff; any other 4xx is the shop's refusal.
public struct ShopWebhookClient: Sendable {
    public enum Scheme: String, Sendable {
        case clearline
        case standardWebhooks = "standard_webhooks"
    }

    public let url: URL
    let scheme: Scheme
    let secret: [UInt8]
    let transport: HTTPTransport

    /// `signingSecret` is the shared text for `clearline`, and `whsec_<base64>` for `standardWebhooks`.
    public init(url: URL, signingSecret: String, scheme: Scheme = .clearline, transport: HTTPTransport = HTTPTransport(timeout: 10)) throws {
        self.url = url
        self.scheme = scheme
        switch scheme {
        case .clearline:
            secret = Array(signingSecret.utf8)
        case .standardWebhooks:
            guard let key = StandardWebhookSignature.key(signingSecret) else {
                throw ConnectorError(.permanent, "For Standard Webhooks the signing secret must be whsec_ followed by the base64 of 16 bytes or more.")
            }
            secret = key
        }
        self.transport = transport
    }

    public static func forConnection(
        _ connection: Connection, secrets: [String: String], transport: HTTPTransport = HTTPTransport(timeout: 10)
    ) throws -> ShopWebhookClient {
        guard let text = connection.text("webhook_url"), let url = URL(string: text) else {
            throw ConnectorError(.permanent, "The shop connection has no webhook URL.")
        }
        guard let secret = secrets["signing_secret"], !secret.isEmpty else {
            throw ConnectorError(.authentication, "The shop connection has no signing secret; set one and give the shop the same.")
        }
        return try ShopWebhookClient(
            url: url, signingSecret: secret, scheme: Scheme(rawValue: connection.text("signature_scheme") ?? "") ?? .clearline,
            transport: transport.attributed(to: connection))
    }

    /// Sends the event; returns its id.
    @discardableResult
    public func send(type: String, id: String, data: JSONValue, now: Date = Date()) throws -> String {
        let time = Int(now.timeIntervalSince1970)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(type, forHTTPHeaderField: "Clearline-Event-Type")
        request.setValue("Clearline-Webhooks/1", forHTTPHeaderField: "User-Agent")
        let body: [UInt8]
        switch scheme {
        case .clearline:
            let event = JSONValue.object(["id": .string(id), "type": .string(type), "created_at": .string(Timestamp.format(now)), "data": data])
            body = Array(event.canonicalText.utf8)
            request.setValue(id, forHTTPHeaderField: "Clearline-Event-Id")
            request.setValue(SignatureHeader.sign(body, key: secret, time: time), forHTTPHeaderField: SignatureHeader.name)
        case .standardWebhooks:
            let event = JSONValue.object(["type": .string(type), "timestamp": .string(Timestamp.format(now)), "data": data])
            body = Array(event.canonicalText.utf8)
            request.setValue(id, forHTTPHeaderField: "webhook-id")
            request.setValue(String(time), forHTTPHeaderField: "webhook-timestamp")
            request.setValue(StandardWebhookSignature.sign(id: id, timestamp: time, body: body, key: secret), forHTTPHeaderField: "webhook-signature")
        }
        request.httpBody = Data(body)
        let reply = try transport.send(request, vendor: "The shop")
        if reply.status == 408 { throw ConnectorError(.retryable, "The shop timed out reading the delivery (HTTP 408); we will try again.") }
        if let error = ConnectorError.forStatus(reply.status, vendor: "The shop", retryAfter: reply.header("retry-after")) { throw error }
        return id
    }
}
