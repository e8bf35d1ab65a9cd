import Foundation
import Connectors
import Domain
import Persistence

/// `reconciliation.repair` (`{"reconciliation_id", "position"}`): a sale whose Zoho Books payment
/// a reconciliation found missing is posted again by the flow step that first wrote it, through
/// the exactly-once writer. Books is asked first: the payment the cross-reference names must be
/// gone (404), and no other payment may carry the sale's reference; only then is the stale link
/// forgotten and the run taken up again at that step. Reconciling again shows the line matched.
struct ReconciliationRepairHandler: JobHandler {
    static let target = "zoho_books.customerpayment"

    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        let payload = JSONValue(parsing: job.payload)?.object ?? [:]
        guard let id = payload["reconciliation_id"]?.string.flatMap(UUID.init(uuidString:)), case .number(let number)? = payload["position"] else {
            throw PermanentJobFailure("a repair names a reconciliation and a finding's position")
        }
        let tenantId = job.tenantId, environment = job.environment, vault = context.vault
        typealias Loaded = (SyncLink, Run, Int, Event, Connection, [String: String], Int)
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> Loaded in
            guard
                let finding = try ReconciliationStore.findings(tx, tenantId: tenantId, reconciliationId: id, category: .missing)
                    .first(where: { $0.position == Int(number) })?.finding,
                finding.system == ZohoLedgerReader.system, let transaction = finding.transactionId
            else {
                throw PermanentJobFailure("only a sale missing in Zoho Books can be posted again")
            }
            guard let link = try SyncLinkStore.link(tx, tenantId: tenantId, environment: environment, target: Self.target, sourceKey: "txn:\(transaction)"),
                let run = try RunStore.get(tx, tenantId: tenantId, id: link.runId),
                let position = try RunStore.steps(tx, tenantId: tenantId, runId: run.id).first(where: { $0.target == Self.target })?.position,
                let event = try EventStore.get(tx, tenantId: tenantId, environment: environment, id: run.eventId)
            else {
                throw PermanentJobFailure("no flow of Clearline's wrote transaction \(transaction)'s payment; nothing to post again")
            }
            guard
                let zoho = try ZohoLedgerReader.connection(tx, tenantId: tenantId, environment: environment)
            else { throw PermanentJobFailure("this environment has no Zoho Books connection") }
            return (link, run, position, event, zoho, try ConnectionStore.secrets(tx, vault: vault, connection: zoho), transaction)
        }
        let (link, run, position, event, connection, secrets, transaction) = loaded
        let books = try ZohoClients.forConnection(connection, secrets: secrets).books
        do {
            _ = try books.call("GET", "customerpayments/\(link.targetId)")
            throw PermanentJobFailure(
                "payment \(link.targetId) of transaction \(transaction) is still in Zoho Books (outside the period read?); nothing to repair")
        } catch let error as ConnectorError where error.kind == .permanent && error.message.contains("(code 1002)") {
            // Gone, as the reconciliation found.
        }
        if let other = try books.customerPayments(referenceNumber: "PT-\(transaction)").first?["payment_id"] as? String {
            throw PermanentJobFailure("Zoho Books has payment \(other) for transaction \(transaction) already; reconcile again")
        }
        let orderingKey = EventOrdering.key(JSONValue(parsing: event.payload) ?? .null, vendorEventId: event.vendorEventId)
        return JobEffects(summary: ["request": "Zoho Books payment \(link.targetId) of transaction \(transaction)", "response": "gone; posting it again"]) {
            tx in
            try SyncLinkStore.forget(tx, link)
            try RunStore.finish(
                tx, run: run, status: .running, detail: "step \(position + 1) posted again: reconciliation found the payment missing in Zoho Books")
            try JobQueue.enqueue(
                tx,
                [
                    StepJobPayload(runId: run.id, position: position).job(
                        tenantId: tenantId, environment: environment, eventId: event.id, orderingKey: orderingKey, maxAttempts: 8)
                ])
        }
    }
}
