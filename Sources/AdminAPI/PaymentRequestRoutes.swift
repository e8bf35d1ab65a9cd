import Foundation
import Connectors
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/payment-requests`: another system asks
/// Clearline to charge a PayTrace customer's card on file. The request is stored with its job in
/// one transaction and answered 201 at once; the charge happens on a worker, exactly once (see
/// `PaymentChargeHandler`), and the request shows how it went. Send `Idempotency-Key` so that a
/// retried POST returns the first request instead of making a second one.
enum PaymentRequestRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/payment-requests"
    static let fields: Set<String> = [
        "connection_id", "customer_id", "amount", "currency", "description", "external_reference", "capture", "invoice",
    ]
    static let invoiceFields: Set<String> = ["connection_id", "invoice_id", "customer_number"]
    /// Attempts of the charge job: enough to wait out an attempt whose answer was lost and search.
    static let jobAttempts = 12

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base, access: .tenant(.admin), idempotent: true, handler: create),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let status = try context.choice(as: PaymentRequest.Status.self)
            let search = try RequestContext.searchText(context.request.query["q"])
            let page = try context.tenantTransaction {
                try $0.paymentRequests.list(tenantId: tenantId, environment: environment, status: status, search: search, after: cursor, limit: limit)
            }
            return context.list(page) { PaymentRequestBody($0) }
        },
        Endpoint("GET", base + "/{paymentRequestId}", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("paymentRequestId", resource: "payment request")
            guard let request = try context.tenantTransaction({ try $0.paymentRequests.get(tenantId: tenantId, environment: environment, id: id) }) else {
                throw Problem.notFound("No such payment request.")
            }
            return context.json(PaymentRequestBody(request))
        },
        // Takes the money an authorization holds; once, however often it is asked or retried.
        Endpoint("POST", base + "/{paymentRequestId}/capture", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("paymentRequestId", resource: "payment request")
            let request = try context.tenantTransaction { tx -> PaymentRequest in
                guard let started = try tx.paymentRequests.beginCapture(tenantId: tenantId, environment: environment, id: id, maxAttempts: jobAttempts) else {
                    guard let current = try tx.paymentRequests.get(tenantId: tenantId, environment: environment, id: id) else {
                        throw Problem.notFound("No such payment request.")
                    }
                    throw Problem.conflict("Only an authorized payment request can be captured; this one is \(current.status.rawValue).")
                }
                try context.audit(
                    tx, tenantId: tenantId, action: "payment_request.capture_requested", targetType: "payment_request", targetId: id.lowercasedString,
                    details: ["reference": started.reference])
                return started
            }
            return context.json(PaymentRequestBody(request), status: 202)
        },
    ]

    static func create(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        var input = try JSONInput(context.request, allowed: fields)
        let connectionText = input.string("connection_id", required: true, maxLength: 36)
        let connectionId = connectionText.flatMap { UUID(text: $0) }
        if connectionText != nil && connectionId == nil { input.add(FieldError(field: "connection_id", message: "must be a connection id")) }
        let customerId = input.string("customer_id", required: true, maxLength: 50)
        if !input.has("amount") { input.add(FieldError(field: "amount", message: "is required")) }
        let (draft, errors) = PaymentRequestDraft.parse(
            customerId: customerId, amount: input.raw("amount"), currency: input.string("currency", required: false, maxLength: 3),
            description: input.string("description", required: false, maxLength: 255),
            externalReference: input.string("external_reference", required: false, maxLength: 100),
            capture: input.boolean("capture", required: false) ?? true)
        for error in errors where !input.errors.contains(where: { $0.field == error.field }) { input.add(error) }
        let invoice = Self.invoice(&input)
        try input.validate()
        guard let draft, let connectionId else { throw Problem.validation(input.errors) }
        let (connection, secrets) = try context.tenantTransaction { tx -> (Connection, [String: String]) in
            let connection = try ConnectionRoutes.payTrace(tx, tenantId: tenantId, environment: environment, id: connectionId)
            if let invoice { try Self.check(invoice, tx, tenantId: tenantId, environment: environment) }
            return (connection, try tx.connections.secrets(connection: connection))
        }
        // The customer must be in the PayTrace vault: a typo is refused now, not charged later.
        // When PayTrace cannot be asked (it does not answer, or the tenant's calls inside requests
        // are all taken by a burst of requests), the request is stored all the same (nothing is
        // lost, nothing refused): an unknown customer then fails the charge, uncharged.
        let asked = try context.services.vendorCallSlots.ifFree(tenantId: tenantId) { () -> Bool? in
            do {
                let client = try PayTraceClient.forConnection(connection, secrets: secrets, transport: HTTPTransport.withinRequest.attributed(to: connection))
                return try client.exportCustomers(id: draft.customerId).contains { $0.customerId == draft.customerId }
            } catch let error as ConnectorError where error.kind == .authentication {
                throw Problem.validation([FieldError(field: "connection_id", message: "has credentials PayTrace refuses: \(error.message)")])
            } catch {
                return nil
            }
        }
        if asked ?? nil == false {
            throw Problem.validation([FieldError(field: "customer_id", message: "is not a customer in this PayTrace account's vault")])
        }
        let request = try context.tenantTransaction { tx -> PaymentRequest in
            guard
                let request = try tx.paymentRequests.create(
                    tenantId: tenantId, environment: environment, connectionId: connectionId, draft, maxAttempts: jobAttempts, invoice: invoice)
            else { throw Problem.conflict("A charge of invoice \(invoice?.invoiceId ?? "") is under way already; see its payment request.") }
            try context.audit(
                tx, tenantId: tenantId, action: "payment_request.created", targetType: "payment_request", targetId: request.id.lowercasedString,
                details: ["customer_id": draft.customerId, "amount": "\(draft.amount)", "reference": request.reference])
            return request
        }
        var response = context.json(PaymentRequestBody(request), status: 201)
        response.setHeader(
            "Location", "/v1/tenants/\(tenantId.lowercasedString)/environments/\(environment.rawValue)/payment-requests/\(request.id.lowercasedString)")
        return response
    }
}

extension PaymentRequestRoutes {
    /// The invoice's connection must be this environment's Zoho (whose invoices know their
    /// customer) or Sage Pro (whose receipts need the CUSTNO).
    static func check(_ invoice: PaymentRequest.InvoiceLink, _ tx: any StoreSession, tenantId: UUID, environment: EnvironmentName) throws {
        switch try tx.connections.get(tenantId: tenantId, environment: environment, id: invoice.connectionId)?.kind {
        case .zoho? where invoice.customer != nil:
            throw Problem.validation([FieldError(field: "invoice.customer_number", message: "is for Sage Pro invoices; a Books invoice knows its customer")])
        case .sageProAgent? where invoice.customer == nil:
            throw Problem.validation([FieldError(field: "invoice.customer_number", message: "is required for a Sage Pro invoice")])
        case .zoho?, .sageProAgent?:
            return
        default:
            throw Problem.validation([FieldError(field: "invoice.connection_id", message: "must be a Zoho or Sage Pro connection of this environment")])
        }
    }

    /// The invoice the charge pays, when given: `{connection_id, invoice_id, customer_number?}`
    /// (a Books invoice id, or Sage Pro's INVNO with its CUSTNO); which connection it names is
    /// checked with the database.
    static func invoice(_ input: inout JSONInput) -> PaymentRequest.InvoiceLink? {
        guard input.has("invoice") else { return nil }
        guard let object = input.raw("invoice") as? [String: Any] else {
            input.add(FieldError(field: "invoice", message: "must be an object: connection_id, invoice_id and, for Sage Pro, customer_number"))
            return nil
        }
        for key in object.keys.sorted() where !invoiceFields.contains(key) {
            input.add(FieldError(field: "invoice.\(key)", message: "is not a known field"))
        }
        func text(_ key: String, _ range: ClosedRange<Int>, required: Bool) -> String? {
            guard let value = object[key], !(value is NSNull) else {
                if required { input.add(FieldError(field: "invoice.\(key)", message: "is required")) }
                return nil
            }
            guard let string = value as? String, range.contains(string.unicodeScalars.count),
                !string.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }), string.trimmingCharacters(in: .whitespaces) == string
            else {
                input.add(
                    FieldError(field: "invoice.\(key)", message: "must be text of \(range.lowerBound) to \(range.upperBound) characters, no spaces around it"))
                return nil
            }
            return string
        }
        let connection = text("connection_id", 36...36, required: true)
        let invoiceId = text("invoice_id", 1...50, required: true)
        let customer = text("customer_number", 1...10, required: false)
        guard let connection, let invoiceId else { return nil }
        guard let connectionId = UUID(text: connection) else {
            input.add(FieldError(field: "invoice.connection_id", message: "must be a connection id"))
            return nil
        }
        return PaymentRequest.InvoiceLink(connectionId: connectionId, invoiceId: invoiceId, customer: customer)
    }
}

struct PaymentRequestBody: Encodable {
    let id: String
    let environment: String
    let connectionId: String
    let customerId: String
    let amount: String
    let currency: String
    let description: String?
    let externalReference: String?
    let reference: String
    let capture: Bool
    let status: String
    let attempts: Int
    let transactionId: Int?
    let approvalCode: String?
    let responseCode: Int?
    let statusMessage: String?
    let lastError: String?
    let createdAt: Date
    let updatedAt: Date
    let decidedAt: Date?
    let capturedAt: Date?
    let invoice: Invoice?
    let plan: Plan?

    /// The recurring plan the charge is for: its period (1 the first) and the attempt at it.
    struct Plan: Encodable {
        let id: String
        let period: Int
        let attempt: Int
    }

    /// The Zoho Books invoice the charge pays, and the payment posted on it.
    struct Invoice: Encodable {
        let connectionId: String
        let invoiceId: String
        /// Sage Pro's CUSTNO, for a Pro invoice.
        let customerNumber: String?
        /// The Books payment, or Pro's cash receipt number, posted on it.
        let paymentId: String?
        let postedAt: Date?
        /// Which attempt at the invoice this charge is (1, then one per retry day after a decline).
        let attempt: Int?
        let collectedAt: Date?
    }

    init(_ request: PaymentRequest) {
        id = request.id.lowercasedString
        environment = request.environment.rawValue
        connectionId = request.connectionId.lowercasedString
        customerId = request.draft.customerId
        amount = Money(amount: request.draft.amount, currency: request.draft.currency)?.formatted ?? "\(request.draft.amount)"
        currency = request.draft.currency
        description = request.draft.description
        externalReference = request.draft.externalReference
        reference = request.reference
        capture = request.draft.capture
        status = request.status.rawValue
        attempts = request.attempts
        transactionId = request.transactionId
        approvalCode = request.approvalCode
        responseCode = request.responseCode
        statusMessage = request.statusMessage
        lastError = request.lastError
        createdAt = request.createdAt
        updatedAt = request.updatedAt
        decidedAt = request.decidedAt
        capturedAt = request.capturedAt
        invoice = request.invoice.map {
            Invoice(
                connectionId: $0.connectionId.lowercasedString, invoiceId: $0.invoiceId, customerNumber: $0.customer, paymentId: $0.paymentId,
                postedAt: $0.postedAt,
                attempt: $0.attempt, collectedAt: $0.collectedAt)
        }
        plan = request.plan.map { Plan(id: $0.planId.lowercasedString, period: $0.period + 1, attempt: $0.attempt) }
    }
}
