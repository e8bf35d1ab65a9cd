import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/recurring-plans`: a PayTrace customer's card
/// on file charged every N days, weeks or months. The workers' housekeeping makes each period's
/// payment request when its day comes (midnight in the plan's time zone), each once across
/// processes; a declined period is charged again on the plan's retry days, and after the last the
/// plan is past due. Pause, resume and cancel change what comes next, never a charge made.
enum RecurringPlanRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/recurring-plans"
    static let fields: Set<String> = [
        "connection_id", "customer_id", "amount", "currency", "description", "external_reference", "interval", "interval_count", "starts_on", "ends_on",
        "time_zone", "retry_days", "invoice",
    ]
    /// A plan's charges shown with it, newest first.
    static let chargesShown = 24

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base, access: .tenant(.admin), idempotent: true, handler: create),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let status = try context.choice(as: RecurringPlan.Status.self)
            let search = try RequestContext.searchText(context.request.query["q"])
            let page = try context.tenantTransaction {
                try $0.recurringPlans.list(tenantId: tenantId, environment: environment, status: status, search: search, after: cursor, limit: limit)
            }
            return context.list(page) { RecurringPlanBody($0, charges: nil) }
        },
        Endpoint("GET", base + "/{planId}", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("planId", resource: "recurring plan")
            let (plan, charges) = try context.tenantTransaction { tx -> (RecurringPlan, [PaymentRequest]) in
                guard let plan = try tx.recurringPlans.get(tenantId: tenantId, environment: environment, id: id) else {
                    throw Problem.notFound("No such recurring plan.")
                }
                return (plan, try tx.recurringPlans.charges(tenantId: tenantId, environment: environment, planId: id, limit: chargesShown))
            }
            return context.json(RecurringPlanBody(plan, charges: charges))
        },
        change("pause", to: .paused),
        change("resume", to: .active),
        change("cancel", to: .cancelled),
    ]

    /// `POST .../{planId}/<verb>`: 409 when the plan's state does not allow it (a cancelled plan
    /// resumes no more; only a paused or past-due plan resumes).
    static func change(_ verb: String, to status: RecurringPlan.Status) -> Endpoint {
        Endpoint("POST", base + "/{planId}/" + verb, access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("planId", resource: "recurring plan")
            let plan = try context.tenantTransaction { tx -> RecurringPlan in
                guard let changed = try tx.recurringPlans.change(tenantId: tenantId, environment: environment, id: id, to: status, now: Date()) else {
                    guard let current = try tx.recurringPlans.get(tenantId: tenantId, environment: environment, id: id) else {
                        throw Problem.notFound("No such recurring plan.")
                    }
                    throw Problem.conflict("A \(current.status.rawValue.replacingOccurrences(of: "_", with: " ")) plan cannot \(verb).")
                }
                try context.audit(
                    tx, tenantId: tenantId, action: "recurring_plan.\(verb)", targetType: "recurring_plan", targetId: id.lowercasedString,
                    details: ["status": changed.status.rawValue])
                return changed
            }
            return context.json(RecurringPlanBody(plan, charges: nil))
        }
    }

    static func create(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        var input = try JSONInput(context.request, allowed: fields)
        let connectionText = input.string("connection_id", required: true, maxLength: 36)
        let connectionId = connectionText.flatMap { UUID(text: $0) }
        if connectionText != nil && connectionId == nil { input.add(FieldError(field: "connection_id", message: "must be a connection id")) }
        let customerId = input.string("customer_id", required: true, maxLength: 50)
        if !input.has("amount") { input.add(FieldError(field: "amount", message: "is required")) }
        let unit = input.string("interval", required: true, maxLength: 10)
        let every = input.integer("interval_count", required: false, range: 1...366)
        let startsOn = input.string("starts_on", required: true, maxLength: 10)
        var retryDays: [Int]?
        if input.has("retry_days") {
            retryDays = DueInvoiceCollection.wholeDays(input.document("retry_days"))
            if retryDays == nil { input.add(FieldError(field: "retry_days", message: DueInvoiceCollection.retryDaysRule)) }
        }
        let (terms, errors) = RecurringPlanTerms.parse(
            customerId: customerId, amount: input.raw("amount"), currency: input.string("currency", required: false, maxLength: 3),
            description: input.string("description", required: false, maxLength: 255),
            externalReference: input.string("external_reference", required: false, maxLength: 100), unit: unit, every: every, startsOn: startsOn,
            endsOn: input.string("ends_on", required: false, maxLength: 10), timeZone: input.string("time_zone", required: false, maxLength: 64),
            retryDays: retryDays)
        for error in errors where !input.errors.contains(where: { $0.field == error.field }) { input.add(error) }
        let invoicing = Self.invoicing(&input)
        try input.validate()
        guard let terms, let connectionId else { throw Problem.validation(input.errors) }
        let plan = try context.tenantTransaction { tx -> RecurringPlan in
            let connection = try ConnectionRoutes.payTrace(tx, tenantId: tenantId, environment: environment, id: connectionId)
            if let invoicing {
                let kind = try tx.connections.get(tenantId: tenantId, environment: environment, id: invoicing.connectionId)?.kind
                guard kind == .zoho || kind == .sageProAgent else {
                    throw Problem.validation([FieldError(field: "invoice.connection_id", message: "must be a Zoho or Sage Pro connection of this environment")])
                }
                if kind == .sageProAgent && invoicing.customer.count > 10 {
                    throw Problem.validation([FieldError(field: "invoice.customer", message: "must be a Sage Pro CUSTNO of at most 10 characters")])
                }
            }
            let plan = try tx.recurringPlans.create(
                tenantId: tenantId, environment: environment, connectionId: connection.id, terms, invoicing: invoicing, now: Date())
            try context.audit(
                tx, tenantId: tenantId, action: "recurring_plan.created", targetType: "recurring_plan", targetId: plan.id.lowercasedString,
                details: ["customer_id": terms.customerId, "amount": "\(terms.amount)", "every": "\(terms.every) \(terms.unit.rawValue)"])
            return plan
        }
        var response = context.json(RecurringPlanBody(plan, charges: nil), status: 201)
        response.setHeader(
            "Location", "/v1/tenants/\(tenantId.lowercasedString)/environments/\(environment.rawValue)/recurring-plans/\(plan.id.lowercasedString)")
        return response
    }
}

extension RecurringPlanRoutes {
    /// Where each period's invoice is made, when given: `{connection_id, customer}` (a Zoho
    /// connection and the Books contact id, or a Sage Pro connection and the CUSTNO); which
    /// connection it names is checked with the database.
    static func invoicing(_ input: inout JSONInput) -> RecurringPlan.Invoicing? {
        guard input.has("invoice") else { return nil }
        guard let object = input.raw("invoice") as? [String: Any] else {
            input.add(FieldError(field: "invoice", message: "must be an object: connection_id and customer"))
            return nil
        }
        for key in object.keys.sorted() where key != "connection_id" && key != "customer" {
            input.add(FieldError(field: "invoice.\(key)", message: "is not a known field"))
        }
        var connectionId: UUID?
        if let text = object["connection_id"] as? String, let id = UUID(text: text) {
            connectionId = id
        } else {
            input.add(FieldError(field: "invoice.connection_id", message: "must be a connection id"))
        }
        var customer: String?
        if let text = object["customer"] as? String, (1...50).contains(text.unicodeScalars.count),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }), text.trimmingCharacters(in: .whitespaces) == text
        {
            customer = text
        } else {
            input.add(
                FieldError(field: "invoice.customer", message: "must be the Books contact id or Sage Pro CUSTNO: 1 to 50 characters, no spaces around it"))
        }
        guard let connectionId, let customer else { return nil }
        return RecurringPlan.Invoicing(connectionId: connectionId, customer: customer)
    }
}

/// Where a plan's invoices are made, as shown.
struct RecurringPlanInvoicingBody: Encodable {
    let connectionId: String
    let customer: String
}

struct RecurringPlanBody: Encodable {
    let id: String
    let environment: String
    let connectionId: String
    let customerId: String
    let amount: String
    let currency: String
    let description: String?
    let externalReference: String?
    let interval: String
    let intervalCount: Int
    let startsOn: String
    let endsOn: String?
    let timeZone: String
    let retryDays: [Int]
    let invoice: RecurringPlanInvoicingBody?
    let status: String
    /// The next period (1 the first) and when it is charged; absent when nothing more is.
    let nextPeriod: Int?
    let nextChargeAt: Date?
    let createdAt: Date
    let updatedAt: Date
    /// With one plan: its periods' attempts, newest first.
    let charges: [PaymentRequestBody]?

    init(_ plan: RecurringPlan, charges: [PaymentRequest]?) {
        id = plan.id.lowercasedString
        environment = plan.environment.rawValue
        connectionId = plan.connectionId.lowercasedString
        let terms = plan.terms
        customerId = terms.customerId
        amount = Money(amount: terms.amount, currency: terms.currency)?.formatted ?? "\(terms.amount)"
        currency = terms.currency
        description = terms.description
        externalReference = terms.externalReference
        interval = terms.unit.rawValue
        intervalCount = terms.every
        startsOn = terms.startsOn
        endsOn = terms.endsOn
        timeZone = terms.timeZone
        retryDays = terms.retryDays
        invoice = plan.invoicing.map { RecurringPlanInvoicingBody(connectionId: $0.connectionId.lowercasedString, customer: $0.customer) }
        status = plan.status.rawValue
        nextPeriod = plan.nextChargeAt == nil ? nil : plan.nextPeriod + 1
        nextChargeAt = plan.status.charges ? plan.nextChargeAt : nil
        createdAt = plan.createdAt
        updatedAt = plan.updatedAt
        self.charges = charges?.map(PaymentRequestBody.init)
    }
}
