public import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
public import Domain
import Crypto

/// Sends an alert message on a route: to its webhook, signed as Standard Webhooks (`webhook-id`
/// is the message's id on every attempt, so a receiver drops repeats) with a body a chat's
/// incoming webhook also takes (`text`), or as e-mail through the platform's relay.
public struct AlertDelivery: Sendable {
    public let mailRelay: MailRelay?
    public let transport: HTTPTransport

    public init(mailRelay: MailRelay?, transport: HTTPTransport = HTTPTransport(timeout: 10, maxBodyBytes: 1 << 20)) {
        self.mailRelay = mailRelay
        self.transport = transport
    }

    /// Throws a `ConnectorError`: retryable for a receiver that is down or busy.
    public func send(_ message: AlertMessage, on route: AlertRoute, signingSecret: String?, tenantId: UUID, now: Date = Date()) throws {
        switch route.channel {
        case .webhook:
            guard let text = route.url, let url = URL(string: text) else { throw ConnectorError(.permanent, "The route has no webhook address.") }
            guard let secret = signingSecret, let key = StandardWebhookSignature.key(secret) else {
                throw ConnectorError(.permanent, "The route's signing secret is missing.")
            }
            try postWebhook(message, to: url, key: key, tenantId: tenantId, now: now)
        case .email:
            guard let mailRelay else {
                throw ConnectorError(.permanent, "No SMTP relay is configured for this Clearline (the administrator sets CLEARLINE_SMTP_URL).")
            }
            try SMTPClient(relay: mailRelay).send(
                to: route.recipients, subject: message.subject, text: message.text, messageId: "\(message.id.lowercasedText)@clearline", date: now)
        }
    }

    /// The webhook's JSON body: `text` for a chat, the alerts as data for a program.
    static func body(_ message: AlertMessage, tenantId: UUID, now: Date) -> [UInt8] {
        let alerts = message.alerts.map { alert in
            JSONValue.object([
                "id": .string(alert.id.lowercasedText), "kind": .string(alert.kind), "severity": .string(alert.severity.rawValue),
                "environment": .string(alert.environment.rawValue), "subject": .string(alert.subject), "message": .string(alert.message),
                "created_at": .string(Timestamp.format(alert.createdAt)),
            ])
        }
        let event = JSONValue.object([
            "type": .string(message.test ? "alerts.test" : "alerts.notification"), "timestamp": .string(Timestamp.format(now)),
            "text": .string(message.text),
            "data": .object([
                "notification_id": .string(message.id.lowercasedText), "tenant_id": .string(tenantId.lowercasedText), "subject": .string(message.subject),
                "alerts": .array(alerts),
            ]),
        ])
        return Array(event.canonicalText.utf8)
    }

    private func postWebhook(_ message: AlertMessage, to url: URL, key: [UInt8], tenantId: UUID, now: Date) throws {
        let body = Self.body(message, tenantId: tenantId, now: now)
        let time = Int(now.timeIntervalSince1970)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Clearline-Alerts/1", forHTTPHeaderField: "User-Agent")
        request.setValue(message.id.lowercasedText, forHTTPHeaderField: "webhook-id")
        request.setValue(String(time), forHTTPHeaderField: "webhook-timestamp")
        request.setValue(
            StandardWebhookSignature.sign(id: message.id.lowercasedText, timestamp: time, body: body, key: key), forHTTPHeaderField: "webhook-signature")
        request.httpBody = Data(body)
        let reply = try transport.send(request, vendor: "The alert webhook")
        if reply.status == 408 { throw ConnectorError(.retryable, "The alert webhook timed out reading the message (HTTP 408).") }
        if let error = ConnectorError.forStatus(reply.status, vendor: "The alert webhook", retryAfter: reply.header("retry-after")) { throw error }
    }
}
