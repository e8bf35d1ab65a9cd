import Foundation
import Domain

/// `ReconciliationRepository` over `ReconciliationStore`, in the session's transaction.
struct PostgresReconciliationRepository: ReconciliationRepository {
    let tx: Transaction

    func start(tenantId: UUID, environment: EnvironmentName, settlementId: UUID) throws -> Reconciliation {
        try ReconciliationStore.start(tx, tenantId: tenantId, environment: environment, settlementId: settlementId)
    }

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Reconciliation? {
        try ReconciliationStore.get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func list(tenantId: UUID, environment: EnvironmentName, settlementId: UUID?, after cursor: PageCursor?, limit: Int) throws -> Page<Reconciliation> {
        try ReconciliationStore.list(tx, tenantId: tenantId, environment: environment, settlementId: settlementId, after: cursor, limit: limit)
    }

    func findings(tenantId: UUID, reconciliationId: UUID, category: ReconciliationMatcher.Category?) throws -> [RecordedFinding] {
        try ReconciliationStore.findings(tx, tenantId: tenantId, reconciliationId: reconciliationId, category: category)
    }

    func explain(tenantId: UUID, reconciliationId: UUID, position: Int, note: String, by actor: String) throws -> RecordedFinding? {
        let explained = try ReconciliationStore.explain(tx, tenantId: tenantId, reconciliationId: reconciliationId, position: position, note: note, by: actor)
        if explained != nil { try ReconciliationStore.settleIfExplained(tx, tenantId: tenantId, id: reconciliationId) }
        return explained
    }
}
