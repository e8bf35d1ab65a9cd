import Foundation
import HTTPServer

/// A merchant's shop receiving Clearline's webhooks: `POST /shop/hooks` keeps every delivery
/// (its headers and body, as sent) and answers 200, or a fault queued for the service `shop`.
/// `GET /_sandbox/shop/deliveries` lists them, for the demo and tests to verify the signatures.
final class ShopReceiver: Sendable {
    private let deliveries = Locked<[[String: Any]]>([])

    func routes(into router: inout Router<SandboxHandler>) {
        router.add("POST", "/shop/hooks") { [self] request in
            let delivery: [String: Any] = [
                "event_id": request.header("clearline-event-id") ?? "", "event_type": request.header("clearline-event-type") ?? "",
                "signature": request.header("clearline-signature") ?? "", "body": String(decoding: request.body, as: UTF8.self),
                // Standard Webhooks' headers, when the connection signs that way.
                "webhook_id": request.header("webhook-id") ?? "", "webhook_timestamp": request.header("webhook-timestamp") ?? "",
                "webhook_signature": request.header("webhook-signature") ?? "",
            ]
            // The latest thousand: a demo left running for weeks keeps a bounded list.
            deliveries.withLock {
                $0.append(delivery); if $0.count > 1000 { $0.removeFirst($0.count - 1000) }
            }
            return SandboxResponses.json(200, ["received": true])
        }
        router.add("GET", "/_sandbox/shop/deliveries") { [self] _ in
            SandboxResponses.json(200, ["deliveries": deliveries.withLock { $0 }])
        }
    }
}
