public import Foundation

/// Settled PayTrace batches with their lines, and each PayTrace connection's fee schedule.
public protocol SettlementRepository {
    /// The settlement of `batchNumber`, and whether this call created it (a batch is kept once).
    func record(
        tenantId: UUID, environment: EnvironmentName, connectionId: UUID, batchNumber: Int, settledAt: String, settledOn: String, currency: String,
        lines: [SettlementLine]
    ) throws -> (settlement: Settlement, created: Bool)

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Settlement?

    /// Oldest first; `settledFrom`/`settledTo` (`yyyy-MM-dd`, inclusive) narrow them by day.
    func list(tenantId: UUID, environment: EnvironmentName, settledFrom: String?, settledTo: String?, after cursor: PageCursor?, limit: Int) throws
        -> Page<Settlement>

    func lines(tenantId: UUID, settlementId: UUID) throws -> [SettlementLine]

    /// The settlement of `batchNumber` on a connection, if kept.
    func find(tenantId: UUID, environment: EnvironmentName, connectionId: UUID, batchNumber: Int) throws -> Settlement?

    /// The statement's figures for a settlement, replacing any imported before.
    func recordActual(tenantId: UUID, settlementId: UUID, _ actual: SettlementActual) throws

    /// The journals posted for a settlement, in every ledger.
    func postings(tenantId: UUID, settlementId: UUID) throws -> [SettlementPosting]

    func feeSchedule(tenantId: UUID, connectionId: UUID) throws -> FeeSchedule?

    func setFeeSchedule(tenantId: UUID, connectionId: UUID, _ schedule: FeeSchedule) throws
}
