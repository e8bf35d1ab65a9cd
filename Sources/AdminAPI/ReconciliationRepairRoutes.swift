import Foundation
import Domain
import HTTPServer

/// Repairs of a reconciliation's differences, each a job (`reconciliation.repair`): one finding,
/// or every open one that has a repair ("Repair all"). A refund that several ledgers miss is
/// taken up once: recording its event lets the refund flows write it into each of them.
enum ReconciliationRepairRoutes {
    static let base = ReconciliationRoutes.base + "/{reconciliationId}"

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base + "/findings/{position}/repair", access: .tenant(.admin)) { context in
            guard let position = context.request.pathParameters["position"].flatMap(Int.init), position >= 0 else { throw Problem.notFound("No such finding.") }
            let (id, jobs, taken, _) = try queue(context, explained: true) { findings in
                guard let finding = findings.first(where: { $0.position == position }) else { throw Problem.notFound("No such difference.") }
                guard FindingRepair.of(finding.finding) != nil else {
                    throw Problem.conflict(
                        "This difference has no repair Clearline can make (\(finding.finding.category.rawValue) in \(finding.finding.system)): "
                            + "correct it in the ledger, or explain it with a note.")
                }
                return [finding]
            }
            return context.json(RepairBody(jobId: jobs.first ?? "", reconciliationId: id.lowercasedString, position: taken.first ?? position), status: 202)
        },
        Endpoint("POST", base + "/repair", access: .tenant(.admin)) { context in
            let (id, jobs, taken, left) = try queue(context) { findings in
                var refunds: Set<Int> = []
                return findings.filter { recorded in
                    guard recorded.explanation == nil, let repair = FindingRepair.of(recorded.finding) else { return false }
                    guard repair == .postRefund, let transaction = recorded.finding.transactionId else { return true }
                    return refunds.insert(transaction).inserted
                }
            }
            return context.json(RepairAllBody(reconciliationId: id.lowercasedString, jobIds: jobs, positions: taken, left: left), status: 202)
        },
    ]

    /// Queues a repair job for each finding `choose` picks from the differences (the open ones,
    /// or with `explained` those a person explained too: one can still ask for a repair), audited.
    static func queue(_ context: RequestContext, explained: Bool = false, choose: ([RecordedFinding]) throws -> [RecordedFinding]) throws -> (
        UUID, [String], [Int], [Int]
    ) {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        let id = try context.uuidParameter("reconciliationId", resource: "reconciliation")
        return try context.tenantTransaction { tx in
            guard try tx.reconciliations.get(tenantId: tenantId, environment: environment, id: id) != nil else {
                throw Problem.notFound("No such reconciliation.")
            }
            let open = try tx.reconciliations.findings(tenantId: tenantId, reconciliationId: id, category: nil).filter {
                $0.finding.isDrift && (explained || $0.explanation == nil)
            }
            let chosen = try choose(open)
            let jobs = chosen.map { finding in
                NewJob(
                    tenantId: tenantId, environment: environment, kind: .reconciliationRepair,
                    payload: JSONValue.object(["reconciliation_id": .string(id.lowercasedString), "position": .number(Double(finding.position))])
                        .canonicalText, maxAttempts: Reconciliation.jobAttempts)
            }
            let ids = jobs.isEmpty ? [] : try tx.jobs.enqueue(jobs, skippingConflicts: false)
            for finding in chosen {
                try context.audit(
                    tx, tenantId: tenantId, action: "reconciliation.repair_requested", targetType: "reconciliation", targetId: id.lowercasedString,
                    details: [
                        "position": String(finding.position), "repair": FindingRepair.of(finding.finding)?.rawValue ?? "",
                        "transaction_id": finding.finding.transactionId.map(String.init) ?? "",
                    ])
            }
            // Left for a person: the open differences no repair fixes.
            return (id, ids.map(String.init), chosen.map(\.position), open.filter { FindingRepair.of($0.finding) == nil }.map(\.position))
        }
    }
}

struct RepairBody: Encodable {
    let jobId: String
    let reconciliationId: String
    let position: Int
}

struct RepairAllBody: Encodable {
    let reconciliationId: String
    let jobIds: [String]
    let positions: [Int]
    let left: [Int]
}
