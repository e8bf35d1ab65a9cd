import Foundation
import Domain
import HTTPServer
import Persistence

/// `/v1/tenants/{tenantId}/environments/{environment}/runs`: what each flow did with each event,
/// step by step: the record written, the id the target gave it (with a link into the vendor's
/// pages where there is one), or why the step was skipped, held or failed.
enum RunRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/runs"

    static let endpoints: [Endpoint] = [
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let status = context.request.query["status"]
            if let status, !["running", "succeeded", "review", "failed"].contains(status) {
                throw Problem.validation([FieldError(field: "status", message: "must be one of: running, succeeded, review, failed")])
            }
            let page = try context.tenantTransaction { try RunStore.list($0, tenantId: tenantId, environment: environment, status: status, after: cursor, limit: limit) }
            return context.list(page) { RunBody($0, steps: nil) }
        },
        Endpoint("GET", base + "/{runId}", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("runId", resource: "run")
            let (run, steps, zoho) = try context.tenantTransaction { tx -> (RunStore.Run?, [RunStore.Step], Connection?) in
                guard let run = try RunStore.get(tx, tenantId: tenantId, id: id), run.environment == environment else { return (nil, [], nil) }
                let connections = try ConnectionStore.list(tx, tenantId: tenantId, environment: environment, after: nil, limit: 100).items
                return (run, try RunStore.steps(tx, tenantId: tenantId, runId: id), connections.first { $0.kind == .zoho })
            }
            guard let run else { throw Problem.notFound("No such run.") }
            return context.json(RunBody(run, steps: steps.map { RunStepBody($0, link: vendorLink($0, zoho: zoho)) }))
        },
    ]

    /// Zoho's web domain per data center.
    static let zohoDomains = ["us": "zoho.com", "eu": "zoho.eu", "in": "zoho.in", "au": "zoho.com.au", "jp": "zoho.jp", "ca": "zohocloud.ca",
                              "sa": "zoho.sa", "cn": "zoho.com.cn"]
    static let booksPages = ["zoho_books.contact": "contacts", "zoho_books.salesorder": "salesorders", "zoho_books.invoice": "invoices",
                             "zoho_books.invoice_void": "invoices", "zoho_books.customerpayment": "paymentsreceived",
                             "zoho_books.creditnote": "creditnotes", "zoho_books.journal": "journals"]

    /// Where a person sees the written record in the vendor's own pages, when it has any.
    static func vendorLink(_ step: RunStore.Step, zoho: Connection?) -> String? {
        guard let id = step.externalId, let zoho, let domain = zohoDomains[zoho.text("data_center") ?? "us"],
              let id = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) else { return nil }
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

    init(_ run: RunStore.Run, steps: [RunStepBody]?) {
        id = run.id.lowercasedString
        eventId = run.eventId.lowercasedString
        flowId = run.flowId.lowercasedString
        version = run.version
        status = run.status
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
    let updatedAt: Date

    init(_ step: RunStore.Step, link: String?) {
        position = step.position
        self.step = step.stepId
        target = step.target
        status = step.status
        record = step.record.flatMap(JSONValue.init(parsing:))
        externalId = step.externalId
        self.link = link
        detail = step.detail
        updatedAt = step.updatedAt
    }
}
