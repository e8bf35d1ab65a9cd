import Foundation
import Connectors
import Crypto
import Domain
import HTTPServer

/// `POST /hooks/{endpointId}`: a delivery is verified, its card numbers masked, and the event
/// and its first job committed (in one transaction with the deliveries arriving alongside it,
/// `EventBatcher`) before any 2xx. A repeated delivery answers 200 with the first event's id and
/// stores nothing. Bad or stale signature: 401; disabled endpoint: 410; too large: 413 (the
/// server); neither JSON nor a form: 415; a body that does not parse: 400.
enum IntakeRoute {
    static let path = "/hooks/{endpointId}"

    static let endpoints: [Endpoint] = [Endpoint("POST", path, access: .anonymous, fastPath: receiveInline, handler: receive)]

    /// What a verified delivery becomes.
    struct Delivery {
        let vendorEventId: String
        let type: String
        /// JSON text, card numbers masked.
        let payload: String
    }

    /// The common case on the HTTP polling thread, with no thread held while the batch writer
    /// commits: an endpoint in the cache whose deliveries are checked by signature or secret. A
    /// cache miss, a refused signature (perhaps a rotation not yet seen) and a Silent Post (which
    /// asks PayTrace) go to `receive` instead.
    static func receiveInline(_ context: RequestContext) throws -> Response? {
        guard let id = UUID(text: context.request.pathParameters["endpointId"] ?? "") else {
            throw Problem.notFound("No such webhook endpoint.")
        }
        guard let entry = context.services.endpoints.get(id), entry.endpoint.verification != .payTraceSilentPost else { return nil }
        try checkActive(entry)
        let delivery: Delivery
        do {
            delivery = try verify(context, entry)
        } catch let problem as Problem where problem.status == 401 {
            return nil
        }
        let event = try newEvent(entry.endpoint, delivery)
        let wake = context.services.wakeThrottle.take()
        return .pending(
            Pending { respond in
                context.services.events.submit(event, wake: wake) { outcome in
                    respond(context.answer { try answer(outcome) })
                }
            })
    }

    static func receive(_ context: RequestContext) throws -> Response {
        guard let id = UUID(text: context.request.pathParameters["endpointId"] ?? "") else {
            throw Problem.notFound("No such webhook endpoint.")
        }
        var (entry, cached) = (context.services.endpoints.get(id), true)
        if entry == nil {
            entry = try load(context, id)
            cached = false
        }
        guard var entry else { throw Problem.notFound("No such webhook endpoint.") }
        try checkActive(entry)
        let delivery: Delivery
        do {
            delivery = try verify(context, entry)
        } catch let problem as Problem where problem.status == 401 && cached {
            // Perhaps rotated a moment ago, before the notice reached this process.
            context.services.endpoints.invalidate(id)
            guard let fresh = try load(context, id) else { throw Problem.notFound("No such webhook endpoint.") }
            entry = fresh
            try checkActive(entry)
            delivery = try verify(context, entry)
        }
        let event = try newEvent(entry.endpoint, delivery)
        return try answer(Result { try context.services.events.record(event, wake: context.services.wakeThrottle.take()) })
    }

    static func checkActive(_ entry: EndpointCache.Entry) throws {
        guard entry.endpoint.status == "active" else {
            throw Problem(status: 410, title: "Gone", detail: "This webhook endpoint is disabled; nothing was stored.")
        }
    }

    /// The event to store, its type masked like any text. Its id is what a retry is matched by,
    /// so it is kept as sent (masked, two ids could become one and a real event be dropped as a
    /// repeat): an id holding a card number, written as one run of digits, is refused instead.
    static func newEvent(_ endpoint: WebhookEndpoint, _ delivery: Delivery) throws -> NewEvent {
        if CardNumberMasking.containsPlainCardNumber(delivery.vendorEventId) {
            throw Problem.badRequest("Clearline-Event-Id carries a card number; send an id without one. Nothing was stored.")
        }
        return .init(
            tenantId: endpoint.tenantId, environment: endpoint.environment, source: endpoint.source, vendorEventId: delivery.vendorEventId,
            type: CardNumberMasking.maskText(delivery.type), endpointId: endpoint.id, payload: delivery.payload)
    }

    /// 202 with the new event's id, 200 with the first one's for a repeat.
    static func answer(_ outcome: EventBatcher.Outcome) throws -> Response {
        let eventId: UUID, duplicate: Bool
        do {
            (eventId, duplicate) = try outcome.get()
        } catch let error as any StoreFailure where error.isInvalidInput {
            throw Problem.badRequest("The body is not JSON that can be kept (not JSON, a \\u0000 in a string, or nested too deep); nothing was stored.")
        }
        // Written out: the response is two fields, and JSONEncoder was a measurable share of intake.
        let body = #"{"duplicate":\#(duplicate),"event_id":"\#(eventId.lowercasedString)"}"#
        return Response(status: duplicate ? 200 : 202, headers: Response.jsonHeaders, body: Array(body.utf8))
    }

    /// The endpoint and its valid secrets from the database, cached; nil when there is none.
    static func load(_ context: RequestContext, _ id: UUID) throws -> EndpointCache.Entry? {
        let stores = context.services.stores
        guard let located = try stores.locateWebhookEndpoint(id) else { return nil }
        // Not cached: the fast path never sees a suspended tenant's endpoint, and each delivery
        // asks again, so reactivation takes effect at once. Senders retry a 503, so nothing is
        // lost while the tenant is suspended.
        guard located.tenantActive else {
            throw Problem(
                status: 503, title: "Tenant suspended", detail: "This endpoint's tenant is suspended; nothing was stored. Try again later.",
                headers: [("Retry-After", "600")])
        }
        let (endpoint, secrets) = try stores.transaction(.tenant(located.tenantId)) { tx -> (WebhookEndpoint?, [String]) in
            guard let endpoint = try tx.webhookEndpoints.get(tenantId: located.tenantId, environment: nil, id: id) else { return (nil, []) }
            return (endpoint, try tx.webhookEndpoints.validSecrets(endpoint: endpoint))
        }
        guard let endpoint else { return nil }
        context.services.endpoints.put(endpoint, secrets: secrets)
        return context.services.endpoints.get(id)
    }

    static func verify(_ context: RequestContext, _ entry: EndpointCache.Entry) throws -> Delivery {
        switch entry.endpoint.verification {
        case .clearlineSignature: try clearlineSigned(context.request, entry.secrets)
        case .sharedSecret: try sharedSecret(context.request, entry.secrets, header: entry.endpoint.secretHeader ?? WebhookEndpointRoutes.defaultSecretHeader)
        case .zohoSignature: try zohoSigned(context.request, entry.secrets)
        case .payTraceSilentPost: try PayTraceSilentPost.confirm(context, entry.endpoint)
        case .standardWebhooks: try standardSigned(context.request, entry.secrets)
        }
    }

    static func refused(_ detail: String) -> Problem {
        Problem(status: 401, title: "Unauthorized", detail: detail + " Nothing was stored.")
    }

    static func clearlineSigned(_ request: Request, _ secrets: [String]) throws -> Delivery {
        do {
            try SignatureHeader.verify(
                request.header("clearline-signature"), body: request.body, keys: secrets.map { Array($0.utf8) },
                now: Int(Date().timeIntervalSince1970))
        } catch {
            switch error {
            case .missing: throw refused("Sign the body: send Clearline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">.")
            case .malformed: throw refused("Clearline-Signature must look like t=<unix seconds>,v1=<64 hex digits>.")
            case .stale: throw refused("The signature's time is more than 5 minutes from ours (a replay, or a clock that is off).")
            case .mismatch: throw refused("The signature does not match the body and this endpoint's secret.")
            }
        }
        guard let eventId = eventId(request.header("clearline-event-id")) else {
            throw Problem.badRequest("Send Clearline-Event-Id: your unique id for this event (1 to 200 printable characters).")
        }
        // The body's own "type" is read by PostgreSQL as it stores the JSON (which also checks it).
        let (payload, _) = try json(request, parse: false)
        return Delivery(vendorEventId: eventId, type: request.header("clearline-event-type") ?? "", payload: payload)
    }

    /// Standard Webhooks: the `webhook-id` is the event's id, so a retried delivery is one event;
    /// the body's own `type` is its type, as the scheme's payloads carry one.
    static func standardSigned(_ request: Request, _ secrets: [String]) throws -> Delivery {
        let id = request.header("webhook-id")
        do {
            try StandardWebhookSignature.verify(
                id: id, timestamp: request.header("webhook-timestamp"), signature: request.header("webhook-signature"), body: request.body,
                keys: secrets.compactMap(StandardWebhookSignature.key), now: Int(Date().timeIntervalSince1970))
        } catch {
            switch error {
            case .missing: throw refused("Send webhook-id, webhook-timestamp and webhook-signature, as Standard Webhooks describes.")
            case .malformed: throw refused("webhook-signature must hold v1,<base64 HMAC-SHA256> entries and webhook-timestamp unix seconds.")
            case .stale: throw refused("webhook-timestamp is more than 5 minutes from our clock (a replay, or a clock that is off).")
            case .mismatch: throw refused("webhook-signature does not match the id, timestamp, body and this endpoint's secret.")
            }
        }
        guard let eventId = eventId(id) else {
            throw Problem.badRequest("webhook-id must be 1 to 200 printable characters; nothing was stored.")
        }
        let (payload, _) = try json(request, parse: false)
        return Delivery(vendorEventId: eventId, type: "", payload: payload)
    }

    static func sharedSecret(_ request: Request, _ secrets: [String], header: String) throws -> Delivery {
        guard let presented = request.header(header.lowercased()),
            secrets.contains(where: { Digest.constantTimeEquals(Array($0.utf8), Array(presented.utf8)) })
        else {
            throw refused("Send this endpoint's secret in the \(header) header.")
        }
        let (payload, _) = try json(request, parse: false)
        let id =
            eventId(request.header("clearline-event-id")) ?? eventId(request.header("idempotency-key")) ?? "sha256:" + Encoding.hex(Digest.sha256(request.body))
        return Delivery(vendorEventId: id, type: request.header("clearline-event-type") ?? "", payload: payload)
    }

    /// Zoho signs the URL's query parameters, sorted, as name+value, then the raw body, with
    /// HMAC-SHA256 in hex (reference 5.1). Zoho sends no event id: the body's digest is one, so a
    /// retried or replayed delivery is recognised.
    static func zohoSigned(_ request: Request, _ secrets: [String]) throws -> Delivery {
        guard let header = request.header("x-zoho-webhook-signature"), let presented = Encoding.fromHex(header.lowercased()) else {
            throw refused("Zoho's X-Zoho-Webhook-Signature is missing: set this endpoint's secret on the Zoho webhook.")
        }
        let signed = Array(request.query.sorted { $0.key < $1.key }.map { $0.key + $0.value }.joined().utf8) + request.body
        guard secrets.contains(where: { Digest.constantTimeEquals(Digest.hmacSHA256(key: Array($0.utf8), message: signed), presented) }) else {
            throw refused("X-Zoho-Webhook-Signature does not match the body and this endpoint's secret.")
        }
        let (payload, object) = try json(request, parse: true)
        let type = request.header("x-zoho-event") ?? object?.keys.sorted().first ?? ""
        return Delivery(vendorEventId: "sha256:" + Encoding.hex(Digest.sha256(request.body)), type: type, payload: payload)
    }

    static func eventId(_ text: String?) -> String? {
        guard let text, (1...200).contains(text.utf8.count), text.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else { return nil }
        return text
    }

    /// No event is this deep; a body that is would only tie up the parser (and PostgreSQL's stack).
    static let maxNesting = 512

    /// The body as masked JSON text: JSON as sent, or a form's fields as `{"form": {...}}`. Without
    /// `parse` a JSON body is only checked to open like an object or array; PostgreSQL parses it
    /// as it stores it, and a body that is not JSON fails there (400) with nothing stored.
    static func json(_ request: Request, parse: Bool) throws -> (String, [String: Any]?) {
        let type = request.header("content-type")?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            let fields = FormBody.fields(request.body)
            let data = try JSONSerialization.data(withJSONObject: ["form": fields], options: [.sortedKeys])
            return (CardNumberMasking.maskJSON(String(decoding: data, as: UTF8.self)), ["form": fields])
        }
        guard type.isEmpty || type.hasPrefix("application/json") || type.hasSuffix("+json") else {
            throw Problem(status: 415, title: "Unsupported media type", detail: "Send JSON (application/json) or a form (application/x-www-form-urlencoded).")
        }
        let notJSON = Problem.badRequest("The body is not a JSON object or array; nothing was stored.")
        if JSONText.nesting(request.body) > maxNesting {
            throw Problem.badRequest("The body nests deeper than \(maxNesting) arrays and objects; nothing was stored.")
        }
        guard parse else {
            let first = request.body.first { $0 != 0x20 && $0 != 0x0a && $0 != 0x0d && $0 != 0x09 }
            guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { throw notJSON }
            return (CardNumberMasking.maskJSON(String(decoding: request.body, as: UTF8.self)), nil)
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(request.body)), parsed is [String: Any] || parsed is [Any] else { throw notJSON }
        return (CardNumberMasking.maskJSON(String(decoding: request.body, as: UTF8.self)), parsed as? [String: Any])
    }
}
