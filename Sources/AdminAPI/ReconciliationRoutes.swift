import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/reconciliations`: a settlement checked
/// against the environment's Zoho Books, line by line and to the cent. Each run is a job in the
/// queue; its findings say, per PayTrace line and per ledger record, matched or why not.
enum ReconciliationRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/reconciliations"

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base, access: .tenant(.admin), handler: start),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let settlement = context.request.query["settlement_id"]
            let settlementId = settlement.flatMap(UUID.init(uuidString:))
            if settlement != nil, settlementId == nil { throw Problem.validation([FieldError(field: "settlement_id", message: "must be a settlement id")]) }
            let page = try context.tenantTransaction {
                try $0.reconciliations.list(tenantId: tenantId, environment: environment, settlementId: settlementId, after: cursor, limit: limit)
            }
            return context.list(page) { ReconciliationBody($0, findings: nil) }
        },
        Endpoint("GET", base + "/{reconciliationId}", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("reconciliationId", resource: "reconciliation")
            let text = context.request.query["category"]
            let category = text.flatMap(ReconciliationMatcher.Category.init(rawValue:))
            if text != nil, category == nil {
                throw Problem.validation([
                    FieldError(
                        field: "category", message: "must be one of: \(ReconciliationMatcher.Category.allCases.map(\.rawValue).joined(separator: ", "))")
                ])
            }
            let found = try context.tenantTransaction { tx -> (Reconciliation, [RecordedFinding])? in
                guard let reconciliation = try tx.reconciliations.get(tenantId: tenantId, environment: environment, id: id) else { return nil }
                return (reconciliation, try tx.reconciliations.findings(tenantId: tenantId, reconciliationId: id, category: category))
            }
            guard let (reconciliation, findings) = found else { throw Problem.notFound("No such reconciliation.") }
            return context.json(ReconciliationBody(reconciliation, findings: findings))
        },
    ]

    /// `{"settlement_id"}`: queues a reconciliation of that settlement.
    static func start(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        var input = try JSONInput(context.request, allowed: ["settlement_id"])
        let text = input.string("settlement_id", required: true, maxLength: 36)
        let settlementId = text.flatMap(UUID.init(uuidString:))
        if text != nil, settlementId == nil { input.add(FieldError(field: "settlement_id", message: "must be a settlement id")) }
        try input.validate()
        let reconciliation = try context.tenantTransaction { tx -> Reconciliation in
            guard try tx.settlements.get(tenantId: tenantId, environment: environment, id: settlementId!) != nil else {
                throw Problem.validation([FieldError(field: "settlement_id", message: "names no settlement of this environment")])
            }
            let started = try tx.reconciliations.start(tenantId: tenantId, environment: environment, settlementId: settlementId!)
            try tx.jobs.enqueue(
                [
                    NewJob(
                        tenantId: tenantId, environment: environment, kind: .reconciliation,
                        payload: JSONValue.object(["reconciliation_id": .string(started.id.lowercasedString)]).canonicalText,
                        maxAttempts: Reconciliation.jobAttempts)
                ], skippingConflicts: false)
            try context.audit(
                tx, tenantId: tenantId, action: "reconciliation.started", targetType: "settlement", targetId: settlementId!.lowercasedString)
            return started
        }
        var response = context.json(ReconciliationBody(reconciliation, findings: nil), status: 202)
        response.setHeader(
            "Location", "/v1/tenants/\(tenantId.lowercasedString)/environments/\(environment.rawValue)/reconciliations/\(reconciliation.id.lowercasedString)")
        return response
    }
}

struct FindingBody: Encodable {
    let position: Int
    let system: String
    let category: String
    let transactionId: String?
    let paytraceAmount: String?
    let ledgerId: String?
    let ledgerAmount: String?
    let note: String
    let explanation: String?
    let explainedBy: String?
    let explainedAt: Date?
    /// What Clearline can do about it (`post_again`, `correct_amount`, `post_refund`), if anything.
    let repair: String?

    init(_ recorded: RecordedFinding) {
        func money(_ value: Decimal?) -> String? { value.map { Money(amount: $0, currency: "USD")?.formatted ?? "\($0)" } }
        let finding = recorded.finding
        position = recorded.position
        system = finding.system
        category = finding.category.rawValue
        transactionId = finding.transactionId.map(String.init)
        paytraceAmount = money(finding.payTraceAmount)
        ledgerId = finding.ledgerId
        ledgerAmount = money(finding.ledgerAmount)
        note = finding.note
        explanation = recorded.explanation
        explainedBy = recorded.explainedBy
        explainedAt = recorded.explainedAt
        repair = recorded.explanation == nil ? FindingRepair.of(finding)?.rawValue : nil
    }
}

struct ReconciliationBody: Encodable {
    let id: String
    let settlementId: String
    let status: String
    let systems: [String]
    let matched: Int
    let differences: Int
    let openDifferences: Int
    let detail: String?
    let findings: [FindingBody]?
    let createdAt: Date
    let finishedAt: Date?

    init(_ reconciliation: Reconciliation, findings: [RecordedFinding]?) {
        id = reconciliation.id.lowercasedString
        settlementId = reconciliation.settlementId.lowercasedString
        status = reconciliation.status.rawValue
        systems = reconciliation.systems
        matched = reconciliation.matched
        differences = reconciliation.differences
        openDifferences = reconciliation.openDifferences
        detail = reconciliation.detail
        self.findings = findings?.map(FindingBody.init)
        createdAt = reconciliation.createdAt
        finishedAt = reconciliation.finishedAt
    }
}
