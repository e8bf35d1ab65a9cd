public import Foundation

/// Checks of settlements against the ledgers, and what each found.
public protocol ReconciliationRepository {
    /// A new reconciliation, running until its job finishes it.
    func start(tenantId: UUID, environment: EnvironmentName, settlementId: UUID) throws -> Reconciliation

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Reconciliation?

    func list(tenantId: UUID, environment: EnvironmentName, settlementId: UUID?, after cursor: PageCursor?, limit: Int) throws -> Page<Reconciliation>

    /// In the order found; `category` narrows them.
    func findings(tenantId: UUID, reconciliationId: UUID, category: ReconciliationMatcher.Category?) throws -> [RecordedFinding]

    /// A person's note on a difference; nil when there is no such difference.
    func explain(tenantId: UUID, reconciliationId: UUID, position: Int, note: String, by actor: String) throws -> RecordedFinding?
}
