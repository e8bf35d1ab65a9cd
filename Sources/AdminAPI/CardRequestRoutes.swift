import Foundation
import Crypto
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/card-requests`: a link for a customer to put
/// a card on file in PayTrace's vault through PayTrace's own hosted fields (`CardLinkRoutes`), so
/// that no card number ever reaches Clearline. The vault profile is made, or updated, from the
/// customer's Zoho Books contact when the card is given. The link is shown once (only a hash of
/// its secret is kept), works once, and expires.
enum CardRequestRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/card-requests"
    static let fields: Set<String> = ["connection_id", "customer_id", "contact", "expires_in_days"]

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base, access: .tenant(.admin), idempotent: true, redactForReplay: APIKeyRoutes.without("url"), handler: create),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let status = try context.choice(as: CardRequest.Status.self)
            let search = try RequestContext.searchText(context.request.query["q"])
            let page = try context.tenantTransaction {
                try $0.cardRequests.list(tenantId: tenantId, environment: environment, status: status, search: search, after: cursor, limit: limit)
            }
            return context.list(page) { CardRequestBody($0, url: nil) }
        },
        Endpoint("GET", base + "/{requestId}", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("requestId", resource: "card request")
            guard let request = try context.tenantTransaction({ try $0.cardRequests.get(tenantId: tenantId, environment: environment, id: id) }) else {
                throw Problem.notFound("No such card request.")
            }
            return context.json(CardRequestBody(request, url: nil))
        },
        Endpoint("POST", base + "/{requestId}/cancel", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("requestId", resource: "card request")
            let cancelled = try context.tenantTransaction { tx -> CardRequest in
                guard let cancelled = try tx.cardRequests.cancel(tenantId: tenantId, environment: environment, id: id) else {
                    guard let current = try tx.cardRequests.get(tenantId: tenantId, environment: environment, id: id) else {
                        throw Problem.notFound("No such card request.")
                    }
                    throw Problem.conflict("A \(current.status.rawValue) card request cannot be cancelled.")
                }
                try context.audit(tx, tenantId: tenantId, action: "card_request.cancelled", targetType: "card_request", targetId: id.lowercasedString)
                return cancelled
            }
            return context.json(CardRequestBody(cancelled, url: nil))
        },
    ]

    static func create(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        var input = try JSONInput(context.request, allowed: fields)
        let connectionText = input.string("connection_id", required: true, maxLength: 36)
        let connectionId = connectionText.flatMap { UUID(text: $0) }
        if connectionText != nil && connectionId == nil { input.add(FieldError(field: "connection_id", message: "must be a connection id")) }
        let customerId = input.string("customer_id", required: true, maxLength: 50)
        if let customerId, customerId.isEmpty || customerId.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            input.add(FieldError(field: "customer_id", message: "must be the PayTrace vault id: 1 to 50 characters, no control characters"))
        } else if let customerId, CardNumberMasking.maskText(customerId) != customerId || CardNumberMasking.containsPlainCardNumber(customerId) {
            // As for a payment request's: cards reach PayTrace only through its own fields. (A
            // Books contact id is Zoho's long number, which a card check would refuse one time in ten.)
            input.add(FieldError(field: "customer_id", message: "must not hold a card number"))
        }
        let days = input.integer("expires_in_days", required: false, range: 1...30) ?? 7
        let contact = Self.contact(&input)
        try input.validate()
        guard let connectionId, let customerId, let contact else { throw Problem.validation(input.errors) }
        // The secret is the link's only credential: 256 bits, shown once, kept as a hash.
        let secret = Encoding.base64URL(SecureRandom.bytes(32))
        let url = try ZohoOAuthRoutes.publicBase(context)
        let request = try context.tenantTransaction { tx -> CardRequest in
            _ = try ConnectionRoutes.payTrace(tx, tenantId: tenantId, environment: environment, id: connectionId)
            guard try tx.connections.get(tenantId: tenantId, environment: environment, id: contact.connectionId)?.kind == .zoho else {
                throw Problem.validation([FieldError(field: "contact.connection_id", message: "must be a Zoho connection of this environment")])
            }
            let request = try tx.cardRequests.create(
                tenantId: tenantId, environment: environment, connectionId: connectionId, customerId: customerId, contactConnectionId: contact.connectionId,
                contactId: contact.contactId, secretHash: CardLinkRoutes.hash(secret), expiresAt: Date().addingTimeInterval(Double(days) * 86_400))
            try context.audit(
                tx, tenantId: tenantId, action: "card_request.created", targetType: "card_request", targetId: request.id.lowercasedString,
                details: ["customer_id": customerId, "contact_id": contact.contactId])
            return request
        }
        let link = "\(url)/card.html#\(tenantId.lowercasedString).\(request.id.lowercasedString).\(secret)"
        var response = context.json(CardRequestBody(request, url: link), status: 201)
        response.setHeader(
            "Location", "/v1/tenants/\(tenantId.lowercasedString)/environments/\(environment.rawValue)/card-requests/\(request.id.lowercasedString)")
        return response
    }

    /// `{connection_id, contact_id}`: the Zoho connection and the Books contact the profile's
    /// details come from; which connection it names is checked with the database.
    static func contact(_ input: inout JSONInput) -> (connectionId: UUID, contactId: String)? {
        guard let object = input.raw("contact") as? [String: Any] else {
            input.add(FieldError(field: "contact", message: "must be an object: connection_id (a Zoho connection) and contact_id (the Books contact)"))
            return nil
        }
        for key in object.keys.sorted() where key != "connection_id" && key != "contact_id" {
            input.add(FieldError(field: "contact.\(key)", message: "is not a known field"))
        }
        let connectionId = (object["connection_id"] as? String).flatMap { UUID(text: $0) }
        if connectionId == nil { input.add(FieldError(field: "contact.connection_id", message: "must be a connection id")) }
        var contactId: String?
        if let text = object["contact_id"] as? String, (1...50).contains(text.unicodeScalars.count),
            !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F })
        {
            contactId = text
        } else {
            input.add(FieldError(field: "contact.contact_id", message: "must be the Books contact id: 1 to 50 characters, no spaces"))
        }
        guard let connectionId, let contactId else { return nil }
        return (connectionId, contactId)
    }
}

struct CardRequestBody: Encodable {
    let id: String
    let environment: String
    let connectionId: String
    let customerId: String
    let contact: Contact
    let status: String
    /// Whether PayTrace's profile was created or updated, once the card is on file.
    let outcome: String?
    let maskedCardNumber: String?
    let expiresAt: Date
    let completedAt: Date?
    let createdAt: Date
    let updatedAt: Date
    /// The link for the customer: in the creating answer only.
    let url: String?

    struct Contact: Encodable {
        let connectionId: String
        let contactId: String
    }

    init(_ request: CardRequest, url: String?) {
        id = request.id.lowercasedString
        environment = request.environment.rawValue
        connectionId = request.connectionId.lowercasedString
        customerId = request.customerId
        contact = Contact(connectionId: request.contactConnectionId.lowercasedString, contactId: request.contactId)
        // An open request past its day is shown as expired.
        status = request.status == .open && request.expiresAt <= Date() ? "expired" : request.status.rawValue
        outcome = request.outcome?.rawValue
        maskedCardNumber = request.maskedCardNumber
        expiresAt = request.expiresAt
        completedAt = request.completedAt
        createdAt = request.createdAt
        updatedAt = request.updatedAt
        self.url = url
    }
}
