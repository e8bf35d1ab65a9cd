import Foundation
import Testing
import ClearlineTesting
import Connectors
import Crypto
import Domain
import Engine
import Persistence
import Sandbox

/// Alerts that reach people (issue 18): a tenant's routes send each alert to a webhook (signed as
/// Standard Webhooks, a chat's `text` in its body) and to e-mail through an SMTP relay, once, even
/// when the receiver is down for its first attempts; alerts raised together go as one digest.
@Suite("Alert notifications reach the sinks once", .requiresDatabase)
struct AlertNotificationTests {
    static func routes(_ tenant: String) -> String { "/v1/tenants/\(tenant)/alert-routes" }

    /// Messages at the sandbox's webhook sink and in its mailbox.
    static func sinks(_ sandbox: SandboxServer) async throws -> (hooks: [[String: Any]], mail: [[String: Any]]) {
        let hooks = try await Client.send("GET", "/_sandbox/sinks/alerts", auth: .none, server: sandbox.baseURL)
        let mail = try await Client.send("GET", "/_sandbox/mail", auth: .none, server: sandbox.baseURL)
        return (hooks.json["deliveries"] as? [[String: Any]] ?? [], mail.json["messages"] as? [[String: Any]] ?? [])
    }

    static func raise(_ tenantId: UUID, _ kind: Alert.Kind, _ subject: String, _ message: String) throws {
        try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            _ = try AlertStore.raise(tx, tenantId: tenantId, environment: .dev, kind: kind, subject: subject, message: message)
        }
    }

    @Test func eachNotificationArrivesOnceAfterTheSinksWereDownForThreeAttempts() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let tenant = try await Fixtures.tenant(name: "Alerted \(UUID().uuidString.prefix(6))")
        let tenantId = try #require(UUID(uuidString: tenant))

        let hook = try await Client.send(
            "POST", Self.routes(tenant),
            json: ["name": "Ops chat", "channel": "webhook", "url": "\(sandbox.baseURL)/sinks/alerts", "min_severity": "warning", "gather_seconds": 1])
        try #require(hook.status == 201, "\(hook.text)")
        let secret = try #require(hook["signing_secret"])
        #expect(secret.hasPrefix("whsec_"))
        let mail = try await Client.send(
            "POST", Self.routes(tenant),
            json: ["name": "On call", "channel": "email", "recipients": ["oncall@merchant.example"], "kinds": ["fraud"], "gather_seconds": 1])
        try #require(mail.status == 201, "\(mail.text)")
        #expect((try await Client.send("GET", "\(Self.routes(tenant))/\(try #require(hook["id"]))")).json["signing_secret"] == nil, "the secret is shown once")

        // Both receivers turn the first three attempts away.
        sandbox.faults.inject(.status(503, retryAfter: nil), service: "sinks", count: 3)
        sandbox.faults.inject(.status(421, retryAfter: nil), service: "smtp", count: 3)
        try Self.raise(tenantId, .fraud, "card_testing:customer:c-1", "Card testing: 50 attempts for customer c-1 in 4 minutes, 47 declined.")

        // Each route owes it, and its job tries long enough for an outage of hours (AlertNotificationStore.attempts).
        let queued = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.query("SELECT max_attempts FROM jobs WHERE tenant_id = $1 AND kind = 'alerts.notify'", [tenantId]).map { try $0.int("max_attempts") }
        }
        #expect(queued == [AlertNotificationStore.attempts, AlertNotificationStore.attempts], "\(queued)")
        let relay = MailRelay(host: "127.0.0.1", port: sandbox.smtpPort, from: "alerts@clearline.invalid")
        let pool = TestWorkers.pool(tenant: tenantId, handlers: [.alertNotification: AlertNotificationHandler(mailRelay: relay)])
        pool.start()
        defer { pool.shutdown(grace: 5) }
        #expect(
            try await Wait.until(60) {
                let (hooks, mail) = try await Self.sinks(sandbox); return hooks.count == 1 && mail.count == 1
            })
        #expect(try await Wait.until(30) { try TestWorkers.queueIsEmpty(tenantId) })

        var (hooks, messages) = try await Self.sinks(sandbox)
        #expect(hooks.count == 1 && messages.count == 1, "once each: \(hooks.count) webhook deliveries, \(messages.count) e-mails")
        let delivery = try #require(hooks.first)
        let body = try #require(delivery["body"] as? String)
        try StandardWebhookSignature.verify(
            id: delivery["webhook_id"] as? String, timestamp: delivery["webhook_timestamp"] as? String, signature: delivery["webhook_signature"] as? String,
            body: Array(body.utf8), keys: [try #require(StandardWebhookSignature.key(secret))], now: Int(Date().timeIntervalSince1970))
        let event = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let text = try #require(event["text"] as? String)
        #expect(text.contains("Critical") && text.contains("Card testing: 50 attempts"), "a chat shows it in plain words: \(text)")
        let alerts = (event["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
        #expect(alerts.count == 1 && alerts.first?["severity"] as? String == "critical" && alerts.first?["kind"] as? String == "fraud")
        let email = try #require(messages.first)
        #expect(email["to"] as? [String] == ["oncall@merchant.example"])
        #expect((email["subject"] as? String)?.contains("Critical: Fraud") == true, "\(email["subject"] ?? "")")
        #expect((email["text"] as? String)?.contains("47 declined") == true)

        // Each message was tried four times and sent once, under one id.
        let sent = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.query("SELECT id, status, attempts FROM alert_notifications WHERE tenant_id = $1 AND NOT test ORDER BY created_at", [tenantId]).map {
                (try $0.uuid("id").lowercasedText, try $0.string("status"), try $0.int("attempts"))
            }
        }
        #expect(sent.count == 2 && sent.allSatisfy { $0.1 == "sent" && $0.2 == 4 }, "\(sent)")
        #expect(sent.contains { $0.0 == delivery["webhook_id"] as? String })
        #expect(sent.contains { "<\($0.0)@clearline>" == email["message_id"] as? String }, "\(email["message_id"] ?? "")")

        // Six alerts at once go as one digest each way; a chargeback (a warning) only to the
        // webhook route, since the e-mail route takes fraud only.
        for index in 0..<5 {
            try Self.raise(tenantId, .fraud, "duplicate_charge:customer:d-\(index)", "Possible duplicate payment by customer d-\(index): 25.00 USD twice.")
        }
        try Self.raise(tenantId, .chargeback, "chargeback:case-77", "Chargeback case 77 on transaction 1001 for 40.00 USD.")
        #expect(
            try await Wait.until(60) {
                let (hooks, mail) = try await Self.sinks(sandbox); return hooks.count == 2 && mail.count == 2
            })
        #expect(try await Wait.until(30) { try TestWorkers.queueIsEmpty(tenantId) })
        (hooks, messages) = try await Self.sinks(sandbox)
        #expect(hooks.count == 2 && messages.count == 2)
        let digest = try #require(try JSONSerialization.jsonObject(with: Data((hooks.last?["body"] as? String ?? "").utf8)) as? [String: Any])
        #expect(((digest["data"] as? [String: Any])?["alerts"] as? [[String: Any]])?.count == 6, "\(digest)")
        #expect((digest["text"] as? String)?.hasPrefix("6 alerts in Alerted") == true, "\(digest["text"] ?? "")")
        #expect((messages.last?["subject"] as? String)?.contains("5 alerts") == true, "\(messages.last?["subject"] ?? "")")

        // The list narrows by kind and by least severity.
        let listed = "/v1/tenants/\(tenant)/environments/dev/alerts"
        #expect(try await Client.send("GET", "\(listed)?kind=fraud").items.count == 6)
        #expect(try await Client.send("GET", "\(listed)?severity=critical").items.allSatisfy { $0["severity"] as? String == "critical" })
        #expect(try await Client.send("GET", "\(listed)?severity=warning").items.count == 7)
        #expect(try await Client.send("GET", "\(listed)?kind=phishing").status == 422)
    }

    @Test func routesRefuseBadSettingsAndTestSendsSayHowItWent() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let tenant = try await Fixtures.tenant()
        for (body, field) in [
            (["name": "x", "channel": "webhook", "url": "http://127.0.0.1:5432/"], "url"),
            (["name": "x", "channel": "webhook", "url": "http://169.254.169.254/latest"], "url"),
            (["name": "x", "channel": "email", "recipients": ["not an address"]], "recipients"),
            (["name": "x", "channel": "email", "recipients": ["a@b.example\r\nBcc: c@d.example"]], "recipients"),
            (["name": "x", "channel": "email"], "recipients"),
            (["name": "x", "channel": "pager", "url": "https://example.com/"], "channel"),
            (["name": "x", "channel": "webhook", "url": "https://example.com/", "kinds": ["nonsense"]], "kinds"),
            (["name": "x", "channel": "webhook", "url": "https://example.com/", "min_severity": "loud"], "min_severity"),
            (["name": "x", "channel": "webhook", "url": "https://example.com/", "gather_seconds": 99999], "gather_seconds"),
        ] as [([String: Any], String)] {
            let answer = try await Client.send("POST", Self.routes(tenant), json: body)
            #expect(answer.status == 422 && answer.text.contains("\"\(field)\""), "\(body): \(answer.status) \(answer.text)")
        }
        let made = try await Client.send(
            "POST", Self.routes(tenant), json: ["name": "Chat", "channel": "webhook", "url": "\(sandbox.baseURL)/sinks/alerts"])
        try #require(made.status == 201, "\(made.text)")
        let route = try #require(made["id"])
        let tested = try await Client.send("POST", "\(Self.routes(tenant))/\(route)/test", json: [:])
        #expect(tested.status == 200 && tested.json["ok"] as? Bool == true, "\(tested.text)")
        let (hooks, _) = try await Self.sinks(sandbox)
        #expect(hooks.count == 1 && (hooks.first?["body"] as? String)?.contains("\"alerts.test\"") == true)

        sandbox.faults.inject(.status(503, retryAfter: nil), service: "sinks", count: 1)
        let refused = try await Client.send("POST", "\(Self.routes(tenant))/\(route)/test", json: [:])
        #expect(
            refused.status == 200 && refused.json["ok"] as? Bool == false && (refused.json["message"] as? String)?.contains("503") == true, "\(refused.text)")
        let log = try await Client.send("GET", "\(Self.routes(tenant))/\(route)/notifications")
        let items = log.json["items"] as? [[String: Any]] ?? []
        #expect(items.map { $0["status"] as? String } == ["failed", "sent"] && items.allSatisfy { $0["test"] as? Bool == true }, "\(log.text)")

        let disabled = try await Client.send("PATCH", "\(Self.routes(tenant))/\(route)", json: ["enabled": false, "recipients": ["a@b.example"]])
        #expect(disabled.status == 422 && disabled.text.contains("recipients"), "\(disabled.text)")
        let paused = try await Client.send("PATCH", "\(Self.routes(tenant))/\(route)", json: ["enabled": false])
        #expect(paused.status == 200 && paused.json["enabled"] as? Bool == false && paused["url"] == "\(sandbox.baseURL)/sinks/alerts", "\(paused.text)")
        #expect(try await Client.send("DELETE", "\(Self.routes(tenant))/\(route)").status == 204)
        #expect(try await Client.send("GET", "\(Self.routes(tenant))/\(route)").status == 404)
    }
}
