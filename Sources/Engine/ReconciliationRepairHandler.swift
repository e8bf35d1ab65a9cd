import Foundation
import Connectors
import Domain
import Persistence

/// `reconciliation.repair` (`{"reconciliation_id", "position"}`): does what the finding's
/// `FindingRepair` says, in the ledger the finding is about. Each repair asks the ledger first
/// (is the record really gone, still wrong, not written since?) and writes through the same
/// exactly-once paths as the flows; reconciling again shows the line matched.
struct ReconciliationRepairHandler: JobHandler {
    /// What a repair needs, read in one transaction.
    struct Context {
        let tenantId: UUID
        let environment: EnvironmentName
        let reconciliationId: UUID
        let finding: ReconciliationMatcher.Finding
        let transaction: Int
        let database: Database
        let vault: Vault
    }

    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        let payload = JSONValue(parsing: job.payload)?.object ?? [:]
        guard let id = payload["reconciliation_id"]?.string.flatMap(UUID.init(uuidString:)), case .number(let number)? = payload["position"] else {
            throw PermanentJobFailure("a repair names a reconciliation and a finding's position")
        }
        let tenantId = job.tenantId, environment = job.environment
        let finding = try context.database.transaction(.tenant(tenantId)) { tx in
            try ReconciliationStore.findings(tx, tenantId: tenantId, reconciliationId: id, category: nil).first { $0.position == Int(number) }?.finding
        }
        guard let finding, let repair = FindingRepair.of(finding), let transaction = finding.transactionId else {
            throw PermanentJobFailure("finding \(Int(number)) has no repair Clearline can make")
        }
        let repairing = Context(
            tenantId: tenantId, environment: environment, reconciliationId: id, finding: finding, transaction: transaction, database: context.database,
            vault: context.vault)
        switch (repair, finding.system) {
        case (.postAgain, ZohoLedgerReader.system): return try ZohoPaymentRepair.postAgain(repairing)
        case (.postAgain, _): return try SageReceiptRepair.postAgain(repairing)
        case (.correctAmount, _): return try ZohoPaymentRepair.correctAmount(repairing)
        case (.postRefund, _): return try RefundRepair.record(repairing)
        }
    }
}
