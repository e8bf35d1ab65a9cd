import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/runs`: what each flow did with each event,
/// step by step: the record written, the id the target gave it (with a link into the vendor's
/// pages where there is one), or why the step was skipped, held or failed.
enum RunRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/runs"

    static let endpoints: [Endpoint] = [
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let filter = try runFilter(context.request.query)
            let page = try context.tenantTransaction {
                try $0.runs.listings(tenantId: tenantId, environment: environment, filter: filter, after: cursor, limit: limit)
            }
            return context.list(page) { RunBody($0.run, steps: nil, listing: $0) }
        },
        Endpoint("GET", base + "/{runId}", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("runId", resource: "run")
            let (run, steps, attempts, zoho) = try context.tenantTransaction { tx -> (Run?, [RunStep], [Int: StepAttempts], Connection?) in
                guard let run = try tx.runs.get(tenantId: tenantId, id: id), run.environment == environment else { return (nil, [], [:], nil) }
                let connections = try tx.connections.list(tenantId: tenantId, environment: environment, after: nil, limit: 100).items
                return (run, try tx.runs.steps(tenantId: tenantId, runId: id), try tx.runs.attempts(run: run), connections.first { $0.kind == .zoho })
            }
            guard let run else { throw Problem.notFound("No such run.") }
            return context.json(RunBody(run, steps: steps.map { RunStepBody($0, link: vendorLink($0, zoho: zoho), attempts: attempts[$0.position]) }))
        },
        Endpoint("POST", base + "/{runId}/resume", access: .tenant(.admin), handler: resume),
    ]

    /// The list's filters: status, flow_id, since and until (RFC 3339), q (up to 100
    /// characters) and order (oldest, the default, or newest).
    static func runFilter(_ query: [String: String]) throws -> RunFilter {
        var filter = RunFilter()
        var errors: [FieldError] = []
        if let text = query["status"] {
            if let status = RunStatus(rawValue: text) {
                filter.status = status
            } else {
                errors.append(FieldError(field: "status", message: "must be one of: \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        if let text = query["flow_id"] {
            if let id = UUID(text: text) { filter.flowId = id } else { errors.append(FieldError(field: "flow_id", message: "must be a flow's id")) }
        }
        for (name, keyPath) in [("since", \RunFilter.from), ("until", \RunFilter.to)] as [(String, WritableKeyPath<RunFilter, Date?>)] {
            guard let text = query[name] else { continue }
            if let date = Timestamp.parse(text) {
                filter[keyPath: keyPath] = date
            } else {
                errors.append(FieldError(field: name, message: "must be an RFC 3339 time, e.g. 2026-11-22T08:00:00Z"))
            }
        }
        do { filter.search = try RequestContext.searchText(query["q"]) } catch let problem as Problem { errors += problem.errors }
        if let text = query["order"] {
            if text == "newest" || text == "oldest" {
                filter.newestFirst = text == "newest"
            } else {
                errors.append(FieldError(field: "order", message: "must be oldest or newest"))
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        return filter
    }

    /// A run held for review (or failed) taken up again at its held step: retried as it is (the
    /// cause fixed in the target), skipped, or written with a record the person corrected, which
    /// must pass the target's schema. Later steps then run as usual.
    static func resume(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        let id = try context.uuidParameter("runId", resource: "run")
        var input = try JSONInput(context.request, allowed: ["action", "record"])
        let action = input.string("action", required: true, maxLength: 10)
        if let action, !["retry", "skip", "replace"].contains(action) { input.add(FieldError(field: "action", message: "must be retry, skip or replace")) }
        let record = input.document("record")
        if action == "replace", record?.object == nil { input.add(FieldError(field: "record", message: "must be the corrected record, an object, to replace")) }
        if action != "replace", input.has("record") { input.add(FieldError(field: "record", message: "is only for replace")) }
        if !input.errors.isEmpty { throw Problem.validation(input.errors) }
        let resumed = try context.tenantTransaction { tx -> Run in
            guard let run = try tx.runs.get(tenantId: tenantId, id: id), run.environment == environment else { throw Problem.notFound("No such run.") }
            guard run.status == .review || run.status == .failed else {
                throw Problem.conflict("The run is \(run.status.rawValue); only runs held for review or failed are resumed.")
            }
            guard try !tx.jobs.hasPending(tenantId: tenantId, kind: .flowStep, payloadContaining: ["run_id": id.lowercasedString]) else {
                throw Problem.conflict("A step of this run is already queued.")
            }
            guard let held = try tx.runs.steps(tenantId: tenantId, runId: id).last(where: { $0.status == .invalid || $0.status == .failed }) else {
                throw Problem.conflict("No step of this run is held; replay its dead letter instead.")
            }
            guard let version = try tx.flows.version(tenantId: tenantId, flowId: run.flowId, version: run.version),
                let definition = try? FlowDefinition(JSONValue(parsing: version.definition) ?? .null), held.position < definition.steps.count
            else {
                throw Problem.conflict("The run's flow version can no longer be read.")
            }
            let step = definition.steps[held.position]
            let how: StepJobPayload.Resume
            switch action {
            case "skip": how = .skip(by: context.actor)
            case "replace":
                let corrected = step.target.coerce(record!)
                let problems = step.target.validate(corrected)
                guard problems.isEmpty else { throw Problem.validation(problems.map { FieldError(field: "record.\($0.field)", message: $0.message) }) }
                how = .replace(record: corrected, by: context.actor)
            default: how = .retry
            }
            guard let event = try tx.events.get(tenantId: tenantId, environment: environment, id: run.eventId) else {
                throw Problem.conflict("The run's event is gone.")
            }
            let resume = StepJobPayload(runId: id, position: held.position, resume: how)
            try tx.jobs.enqueue([
                resume.job(
                    tenantId: tenantId, environment: environment, eventId: run.eventId,
                    orderingKey: EventOrdering.key(JSONValue(parsing: event.payload) ?? .null, vendorEventId: event.vendorEventId),
                    maxAttempts: definition.errorPolicy.maxAttempts)
            ])
            try tx.runs.finish(run: run, status: .running, detail: "resumed at step \(step.id) by \(context.actor) (\(action!))")
            try context.audit(
                tx, tenantId: tenantId, action: "run.resumed", targetType: "run", targetId: id.lowercasedString,
                details: ["step": step.id, "action": action!])
            return try tx.runs.get(tenantId: tenantId, id: id)!
        }
        return context.json(RunBody(resumed, steps: nil), status: 202)
    }

    /// Zoho's web domain per data center.
    static let zohoDomains = [
        "us": "zoho.com", "eu": "zoho.eu", "in": "zoho.in", "au": "zoho.com.au", "jp": "zoho.jp", "ca": "zohocloud.ca",
        "sa": "zoho.sa", "cn": "zoho.com.cn",
    ]
    static let booksPages = [
        "zoho_books.contact": "contacts", "zoho_books.salesorder": "salesorders", "zoho_books.invoice": "invoices",
        "zoho_books.invoice_void": "invoices", "zoho_books.customerpayment": "paymentsreceived",
        "zoho_books.creditnote": "creditnotes", "zoho_books.journal": "journals",
    ]

    /// Where a person sees the written record in the vendor's own pages, when it has any.
    static func vendorLink(_ step: RunStep, zoho: Connection?) -> String? {
        guard let id = step.externalId, let zoho, let domain = zohoDomains[zoho.text("data_center") ?? "us"],
            let id = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)
        else { return nil }
        if let page = booksPages[step.target], let organization = zoho.text("organization_id") {
            return "https://books.\(domain)/app/\(organization)#/\(page)/\(id)"
        }
        switch step.target {
        case "zoho_crm.deal": return "https://crm.\(domain)/crm/tab/Potentials/\(id)"
        case "zoho_crm.contact": return "https://crm.\(domain)/crm/tab/Contacts/\(id)"
        default: return nil
        }
    }
}

struct RunBody: Encodable {
    let id: String
    let eventId: String
    let flowId: String
    let version: Int
    let status: String
    let detail: String?
    let steps: [RunStepBody]?
    let createdAt: Date
    let updatedAt: Date
    /// In lists: the flow's name and what the run's event was about, where it says.
    let flowName: String?
    let transactionId: String?
    let amount: String?
    let customer: String?
    let order: String?

    init(_ run: Run, steps: [RunStepBody]?, listing: RunListing? = nil) {
        flowName = listing?.flowName
        transactionId = listing?.transactionId
        amount = listing?.amount
        customer = listing?.customer
        order = listing?.order
        id = run.id.lowercasedString
        eventId = run.eventId.lowercasedString
        flowId = run.flowId.lowercasedString
        version = run.version
        status = run.status.rawValue
        detail = run.detail
        self.steps = steps
        createdAt = run.createdAt
        updatedAt = run.updatedAt
    }
}

struct RunStepBody: Encodable {
    let position: Int
    let step: String
    let target: String
    let status: String
    let record: JSONValue?
    let externalId: String?
    let link: String?
    let detail: String?
    /// Attempts at the step, the failed ones, and the latest failure's reason: the retries.
    let attempts: Int?
    let failedAttempts: Int?
    let lastError: String?
    let updatedAt: Date

    init(_ step: RunStep, link: String?, attempts: StepAttempts?) {
        position = step.position
        self.step = step.stepId
        target = step.target
        status = step.status.rawValue
        record = step.record.flatMap(JSONValue.init(parsing:))
        externalId = step.externalId
        self.link = link
        detail = step.detail
        self.attempts = attempts?.attempts
        failedAttempts = attempts?.failures
        lastError = attempts?.lastError
        updatedAt = step.updatedAt
    }
}
