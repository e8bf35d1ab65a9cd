public import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Connectors
import Crypto
import HTTPServer

/// Zoho Books/Inventory workflow webhooks (reference section 5.1 and emulator part E): created with
/// `POST /settings/webhooks` (url, entity, events, headers, an optional 12–50 character secret)
/// and fired when an entity of that kind changes, with the default payload `{"<entity>": {...}}`.
/// With a secret, `X-Zoho-Webhook-Signature` is the hex HMAC-SHA256 of the URL's query parameters
/// sorted by name and concatenated as name+value, then the raw body (Zoho Billing's documented
/// scheme; Books' is unverified). `X-ZOHO-Event` names the event, as Zoho Commerce does.
///
/// `POST /_sandbox/zoho/webhooks/variant {"mode": "tampered"|"unsigned"|"replayed", "count": N}`
/// spoils the next deliveries the way an attacker would; `GET /_sandbox/zoho/webhooks/deliveries`
/// lists what was sent and how the receiver answered.
public final class ZohoWebhooks: Sendable {
    public static let entities = ["invoice", "customerpayment", "salesorder", "creditnote", "shipmentorder"]

    private struct State {
        var hooks: [String: [String: Any]] = [:]
        var secrets: [String: String] = [:]
        var variants: [String] = []
        var deliveries: [[String: Any]] = []
        /// Deliveries queued and not yet finished (answered, or given up after the last try).
        var pending = 0
        var last: URLRequest?
        var next = 460_000_900_000
    }

    private let state = Locked(State())
    private let queue = DispatchQueue(label: "zoho-webhooks")

    init() {}

    func routes(into router: inout Router<SandboxHandler>, books: String, emulator: ZohoBooksEmulator) {
        emulator.add(&router, books, "POST", "/settings/webhooks") { [self] _, body in create(body) }
        emulator.add(&router, books, "GET", "/settings/webhooks") { [self] _, _ in
            ZohoBooksEmulator.page("webhooks", state.withLock { Array($0.hooks.values) })
        }
        emulator.add(&router, books, "DELETE", "/settings/webhooks/{id}") { [self] request, _ in
            let id = request.path.split(separator: "/").last.map(String.init) ?? ""
            let removed = state.withLock { state in
                state.secrets[id] = nil; return state.hooks.removeValue(forKey: id) != nil
            }
            return removed
                ? SandboxResponses.json(200, ["code": 0, "message": "The webhook has been deleted."])
                : ZohoBooksEmulator.missing("Webhook")
        }
        router.add("POST", "/_sandbox/zoho/webhooks/variant") { [self] request in
            let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            guard let mode = object["mode"] as? String, ["tampered", "unsigned", "replayed"].contains(mode) else {
                return SandboxResponses.json(400, ["error": "mode must be tampered, unsigned or replayed"])
            }
            let count = max(1, (object["count"] as? Int) ?? 1)
            state.withLock { $0.variants += Array(repeating: mode, count: count) }
            return SandboxResponses.json(200, ["mode": mode, "count": count])
        }
        router.add("GET", "/_sandbox/zoho/webhooks/deliveries") { [self] _ in
            SandboxResponses.json(200, state.withLock { ["deliveries": $0.deliveries, "pending": $0.pending] })
        }
    }

    func create(_ body: [String: Any]) -> Response {
        guard let url = body["url"] as? String, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? "") else {
            return ZohoBooksEmulator.invalid("url")
        }
        guard let entity = body["entity"] as? String, Self.entities.contains(entity) else { return ZohoBooksEmulator.invalid("entity") }
        let secret = body["secret"] as? String
        if let secret, !(12...50).contains(secret.count) || !secret.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            return ZohoBooksEmulator.invalid("secret")
        }
        let events = body["events"] as? [String] ?? ["created", "updated"]
        return state.withLock { state in
            state.next += 1
            let hook: [String: Any] = [
                "webhook_id": String(state.next), "webhook_name": body["webhook_name"] as? String ?? entity, "url": url, "method": "POST",
                "entity": entity, "events": events, "headers": body["headers"] as? [[String: Any]] ?? [], "has_secret": secret != nil,
            ]
            state.hooks[String(state.next)] = hook
            state.secrets[String(state.next)] = secret
            return SandboxResponses.json(201, ["code": 0, "message": "Webhook has been created.", "webhook": hook])
        }
    }

    /// Sends `record` to every webhook on `entity` that wants `event`, in the background.
    func emit(entity: String, event: String, record: [String: Any]) {
        let targets = state.withLock { state in
            state.hooks.values.filter { $0["entity"] as? String == entity && (($0["events"] as? [String])?.contains(event) ?? true) }
                .map { ($0, state.secrets[$0["webhook_id"] as! String]) }
        }
        guard !targets.isEmpty, let body = try? JSONSerialization.data(withJSONObject: [entity: record], options: [.sortedKeys]) else { return }
        for (hook, secret) in targets {
            guard let url = URL(string: hook["url"] as! String) else { continue }
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("\(entity).\(event)", forHTTPHeaderField: "X-ZOHO-Event")
            for header in hook["headers"] as? [[String: Any]] ?? [] {
                if let name = header["param_name"] as? String, let value = header["param_value"] as? String {
                    request.setValue(value, forHTTPHeaderField: name)
                }
            }
            if let secret { request.setValue(Self.signature(url: url, body: Array(body), secret: secret), forHTTPHeaderField: "X-Zoho-Webhook-Signature") }
            let prepared = request
            state.withLock { $0.pending += 1 }
            queue.async { [self] in deliver(spoiled(prepared), entity: entity, event: event) }
        }
    }

    /// The signature Zoho sends: HMAC-SHA256(secret, sorted query name+value pairs + raw body), hex.
    public static func signature(url: URL, body: [UInt8], secret: String) -> String {
        let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        let prefix = items.sorted { $0.name < $1.name }.map { $0.name + ($0.value ?? "") }.joined()
        return Encoding.hex(Digest.hmacSHA256(key: Array(secret.utf8), message: Array(prefix.utf8) + body))
    }

    private func spoiled(_ request: URLRequest) -> URLRequest {
        let variant = state.withLock { state -> (String?, URLRequest?) in
            let last = state.last
            state.last = request
            return (state.variants.isEmpty ? nil : state.variants.removeFirst(), last)
        }
        var request = request
        switch variant.0 {
        case "tampered"?: request.httpBody = (request.httpBody ?? Data()) + Data(" ".utf8)
        case "unsigned"?: request.setValue(nil, forHTTPHeaderField: "X-Zoho-Webhook-Signature")
        case "replayed"?: if let last = variant.1 { request = last }
        default: break
        }
        return request
    }

    private func deliver(_ request: URLRequest, entity: String, event: String) {
        var status = 0
        var attempts = 0
        // Zoho documents no retry schedule; three tries a few seconds apart, as senders commonly do.
        while attempts < 3 {
            attempts += 1
            status = (try? HTTPTransport.unguarded(timeout: 10).send(request, vendor: "The webhook receiver").status) ?? 0
            if (200..<300).contains(status) || (400..<500).contains(status) { break }
            Thread.sleep(forTimeInterval: Double(attempts))
        }
        state.withLock { state in
            state.deliveries.append(["url": request.url?.absoluteString ?? "", "entity": entity, "event": event, "status": status, "attempts": attempts])
            state.pending -= 1
            if state.deliveries.count > 500 { state.deliveries.removeFirst(state.deliveries.count - 500) }
        }
    }
}
