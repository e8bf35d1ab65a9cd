import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/webhook-endpoints`: where shops and
/// vendors deliver events. A signing secret is shown once, when created or rotated.
enum WebhookEndpointRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/webhook-endpoints"
    static let defaultSecretHeader = "X-Webhook-Token"

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base, access: .tenant(.admin), idempotent: true, redactForReplay: APIKeyRoutes.without("secret"), handler: create),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let page = try context.tenantTransaction {
                try $0.webhookEndpoints.list(tenantId: tenantId, environment: environment, after: cursor, limit: limit)
            }
            let base = try ZohoOAuthRoutes.publicBase(context)
            return context.list(page) { WebhookEndpointBody($0, publicBase: base) }
        },
        Endpoint("GET", base + "/{endpointId}", access: .tenant(.viewer)) { context in
            let endpoint = try find(context)
            return context.json(WebhookEndpointBody(endpoint, publicBase: try ZohoOAuthRoutes.publicBase(context)))
        },
        Endpoint("POST", base + "/{endpointId}/rotate-secret", access: .tenant(.admin)) { context in
            let endpoint = try find(context)
            // The request is well formed; the endpoint's kind is what stands in the way: 409.
            guard endpoint.verification.usesSecret else {
                throw Problem(
                    status: 409, title: "No secret to rotate",
                    detail: "PayTrace Silent Post endpoints are unsigned; posts are confirmed through PayTrace instead.")
            }
            let (secret, updated) = try context.tenantTransaction { tx -> (String, WebhookEndpoint) in
                let secret = try tx.webhookEndpoints.rotate(endpoint: endpoint)
                try context.audit(
                    tx, tenantId: endpoint.tenantId, action: "webhook_endpoint.secret_rotated", targetType: "webhook_endpoint",
                    targetId: endpoint.id.lowercasedString)
                return (secret, try tx.webhookEndpoints.get(tenantId: endpoint.tenantId, environment: endpoint.environment, id: endpoint.id)!)
            }
            context.services.endpoints.invalidate(endpoint.id)
            var body = WebhookEndpointBody(updated, publicBase: try ZohoOAuthRoutes.publicBase(context))
            body.secret = secret
            return context.json(body)
        },
        Endpoint("POST", base + "/{endpointId}/disable", access: .tenant(.admin)) { context in try setActive(context, false) },
        Endpoint("POST", base + "/{endpointId}/enable", access: .tenant(.admin)) { context in try setActive(context, true) },
    ]

    static func find(_ context: RequestContext) throws -> WebhookEndpoint {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        let id = try context.uuidParameter("endpointId", resource: "webhook endpoint")
        guard let endpoint = try context.tenantTransaction({ try $0.webhookEndpoints.get(tenantId: tenantId, environment: environment, id: id) }) else {
            throw Problem.notFound("No such webhook endpoint.")
        }
        return endpoint
    }

    static func setActive(_ context: RequestContext, _ active: Bool) throws -> Response {
        let endpoint = try find(context)
        let updated = try context.tenantTransaction { tx -> WebhookEndpoint in
            try tx.webhookEndpoints.setStatus(endpoint: endpoint, active: active)
            try context.audit(
                tx, tenantId: endpoint.tenantId, action: active ? "webhook_endpoint.enabled" : "webhook_endpoint.disabled",
                targetType: "webhook_endpoint", targetId: endpoint.id.lowercasedString)
            return try tx.webhookEndpoints.get(tenantId: endpoint.tenantId, environment: endpoint.environment, id: endpoint.id)!
        }
        context.services.endpoints.invalidate(endpoint.id)
        return context.json(WebhookEndpointBody(updated, publicBase: try ZohoOAuthRoutes.publicBase(context)))
    }

    static func create(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        var input = try JSONInput(context.request, allowed: ["name", "source", "verification", "secret_header", "connection_id"])
        let name = input.string("name", required: true, maxLength: Tenant.nameMaxLength)
        let source = input.string("source", required: true, maxLength: 40)
        let verification = input.choice("verification", required: true, as: WebhookVerification.self)
        let header = input.string("secret_header", required: false, maxLength: 100)
        let connectionText = input.string("connection_id", required: false, maxLength: 36)
        if let name { input.add(Tenant.validateName(name)) }
        if let source, !Self.isSourceName(source) {
            input.add(FieldError(field: "source", message: "must be lower-case letters, digits and _ (e.g. shop, zoho_books), starting with a letter"))
        }
        if let header, !Self.isHeaderName(header) { input.add(FieldError(field: "secret_header", message: "must be an HTTP header name")) }
        if header != nil, verification != .sharedSecret {
            input.add(FieldError(field: "secret_header", message: "applies only to shared_secret endpoints"))
        }
        let connectionId = connectionText.flatMap(UUID.init(uuidString:))
        if connectionText != nil, connectionId == nil { input.add(FieldError(field: "connection_id", message: "must be a connection id")) }
        if verification == .payTraceSilentPost, connectionText == nil {
            input.add(FieldError(field: "connection_id", message: "is required: Silent Posts are confirmed through this PayTrace connection"))
        }
        if connectionText != nil, verification != .payTraceSilentPost {
            input.add(FieldError(field: "connection_id", message: "applies only to paytrace_silent_post endpoints"))
        }
        try input.validate()
        let (endpoint, secret) = try context.tenantTransaction { tx -> (WebhookEndpoint, String?) in
            if let connectionId {
                guard let connection = try tx.connections.get(tenantId: tenantId, environment: environment, id: connectionId), connection.kind == .paytrace
                else {
                    throw Problem.validation([FieldError(field: "connection_id", message: "is not a PayTrace connection in \(environment.rawValue)")])
                }
            }
            let created = try tx.webhookEndpoints.create(
                tenantId: tenantId, environment: environment, name: name!,
                source: source!, verification: verification!,
                secretHeader: verification == .sharedSecret ? (header ?? defaultSecretHeader) : nil,
                connectionId: connectionId)
            try context.audit(
                tx, tenantId: tenantId, action: "webhook_endpoint.created", targetType: "webhook_endpoint",
                targetId: created.0.id.lowercasedString,
                details: ["environment": environment.rawValue, "source": source!, "verification": verification!.rawValue])
            return created
        }
        var body = WebhookEndpointBody(endpoint, publicBase: try ZohoOAuthRoutes.publicBase(context))
        body.secret = secret
        var response = context.json(body, status: 201)
        response.setHeader(
            "Location", "/v1/tenants/\(tenantId.lowercasedString)/environments/\(environment.rawValue)/webhook-endpoints/\(endpoint.id.lowercasedString)")
        return response
    }

    static func isSourceName(_ text: String) -> Bool {
        guard let first = text.utf8.first, (97...122).contains(first) else { return false }
        return text.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    static func isHeaderName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (65...90).contains($0) || (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }
}

struct WebhookEndpointBody: Encodable {
    let id: String
    let environment: String
    let name: String
    let source: String
    let verification: String
    let secretHeader: String?
    let connectionId: String?
    let status: String
    /// Where the sender POSTs.
    let url: String
    let secretHint: String?
    let secretCreatedAt: Date?
    /// What the sender must do, in plain words.
    let instructions: String
    let createdAt: Date
    let updatedAt: Date
    /// Only in the answer that created or rotated it.
    var secret: String?

    init(_ e: WebhookEndpoint, publicBase: String) {
        id = e.id.lowercasedString; environment = e.environment.rawValue; name = e.name; source = e.source
        verification = e.verification.rawValue; secretHeader = e.secretHeader; connectionId = e.connectionId?.lowercasedString
        status = e.status; url = publicBase + "/hooks/" + e.id.lowercasedString; secretHint = e.secretHint; secretCreatedAt = e.secretRotatedAt
        createdAt = e.createdAt; updatedAt = e.updatedAt
        instructions = Self.instructions(e)
    }

    /// What a sender must do. For the generic schemes it names the event type too: flows are
    /// chosen by source and type, so a delivery without one was stored and taken by no flow.
    static func instructions(_ e: WebhookEndpoint) -> String {
        switch e.verification {
        case .clearlineSignature:
            "POST the event (JSON) to the URL with the headers Clearline-Event-Id: <your unique event id> and Clearline-Signature: "
                + "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" keyed with the secret>. A signature more than 5 minutes "
                + "from our clock is refused. After a rotation the previous secret keeps working for 24 hours. " + typeInstruction(e)
        case .standardWebhooks:
            "Sign as Standard Webhooks (standardwebhooks.com) does, with the whsec_ secret: POST the event (JSON) with webhook-id: "
                + "<your unique message id>, webhook-timestamp: <unix seconds> and webhook-signature: v1,<base64 HMAC-SHA256 of "
                + "\"<id>.<timestamp>.<raw body>\">; the reference libraries do this. A repeated webhook-id is one event. After a rotation "
                + "the previous secret keeps working for 24 hours. " + typeInstruction(e)
        case .zohoSignature:
            "In Zoho Books or Inventory: Settings > Automation > Workflow Actions > Webhooks. URL: this URL; method POST; body: "
                + "Default Payload; secret: the secret shown when this endpoint was created or rotated. Zoho signs each call with "
                + "X-Zoho-Webhook-Signature, which is checked before anything is stored."
        case .sharedSecret:
            "POST to the URL with the secret in the \(e.secretHeader ?? WebhookEndpointRoutes.defaultSecretHeader) header, over HTTPS. "
                + "Send Clearline-Event-Id (or Idempotency-Key) so repeated deliveries are recognised; otherwise identical bodies are. "
                + typeInstruction(e)
        case .payTraceSilentPost:
            "In PayTrace's Secure Checkout settings, set this URL as the Silent Post URL. Posts are unsigned, so each is accepted "
                + "only once the transaction is confirmed through PayTrace's export API with this endpoint's PayTrace connection."
        }
    }
    static func typeInstruction(_ e: WebhookEndpoint) -> String {
        "Name the event's type (e.g. order.paid) in a top-level \"type\" field of the JSON or in a Clearline-Event-Type header: "
            + "flows take events by source (\(e.source)) and type, and an event without a type is stored but runs no flow."
    }

}
