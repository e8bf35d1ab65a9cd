import Foundation
import HTTPServer

/// A chat or incident tool receiving Clearline's alert webhooks: `POST /sinks/alerts` keeps each
/// delivery (its Standard Webhooks headers and body, as sent) and answers 200, unless a fault is
/// queued for the service `sinks` (`POST /_sandbox/faults {"service":"sinks","mode":"503","count":3}`:
/// down for three attempts). `GET /_sandbox/sinks/alerts` lists what arrived, for the demo and
/// the tests to count and verify.
final class AlertWebhookSink: Sendable {
    private let deliveries = Locked<[[String: Any]]>([])

    func routes(into router: inout Router<SandboxHandler>) {
        router.add("POST", "/sinks/alerts") { [self] request in
            let delivery: [String: Any] = [
                "webhook_id": request.header("webhook-id") ?? "", "webhook_timestamp": request.header("webhook-timestamp") ?? "",
                "webhook_signature": request.header("webhook-signature") ?? "", "body": String(decoding: request.body, as: UTF8.self),
            ]
            deliveries.withLock {
                $0.append(delivery); if $0.count > 1000 { $0.removeFirst($0.count - 1000) }
            }
            // What Slack's and Mattermost's incoming webhooks answer.
            return Response(status: 200, headers: [("Content-Type", "text/plain")], body: Array("ok".utf8))
        }
        router.add("GET", "/_sandbox/sinks/alerts") { [self] _ in
            SandboxResponses.json(200, ["deliveries": deliveries.withLock { $0 }])
        }
    }
}
