import Foundation
import Domain

/// `SettlementRepository` over `SettlementStore` and `FeeScheduleStore`, in the session's transaction.
struct PostgresSettlementRepository: SettlementRepository {
    let tx: Transaction

    func record(
        tenantId: UUID, environment: EnvironmentName, connectionId: UUID, batchNumber: Int, settledAt: String, settledOn: String, currency: String,
        lines: [SettlementLine]
    ) throws -> (settlement: Settlement, created: Bool) {
        try SettlementStore.record(
            tx, tenantId: tenantId, environment: environment, connectionId: connectionId, batchNumber: batchNumber, settledAt: settledAt,
            settledOn: settledOn, currency: currency, lines: lines)
    }

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Settlement? {
        try SettlementStore.get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func list(tenantId: UUID, environment: EnvironmentName, settledFrom: String?, settledTo: String?, after cursor: PageCursor?, limit: Int) throws
        -> Page<Settlement>
    {
        try SettlementStore.list(tx, tenantId: tenantId, environment: environment, settledFrom: settledFrom, settledTo: settledTo, after: cursor, limit: limit)
    }

    func lines(tenantId: UUID, settlementId: UUID) throws -> [SettlementLine] {
        try SettlementStore.lines(tx, tenantId: tenantId, settlementId: settlementId)
    }

    func find(tenantId: UUID, environment: EnvironmentName, connectionId: UUID, batchNumber: Int) throws -> Settlement? {
        try SettlementStore.find(tx, tenantId: tenantId, environment: environment, connectionId: connectionId, batchNumber: batchNumber)
    }

    func recordActual(tenantId: UUID, settlementId: UUID, _ actual: SettlementActual) throws {
        try SettlementStore.recordActual(tx, tenantId: tenantId, settlementId: settlementId, actual)
    }

    func postings(tenantId: UUID, settlementId: UUID) throws -> [SettlementPosting] {
        try SettlementPostingStore.list(tx, tenantId: tenantId, settlementId: settlementId)
    }

    func feeSchedule(tenantId: UUID, connectionId: UUID) throws -> FeeSchedule? {
        try FeeScheduleStore.get(tx, tenantId: tenantId, connectionId: connectionId)
    }

    func setFeeSchedule(tenantId: UUID, connectionId: UUID, _ schedule: FeeSchedule) throws {
        try FeeScheduleStore.put(tx, tenantId: tenantId, connectionId: connectionId, schedule)
    }
}
