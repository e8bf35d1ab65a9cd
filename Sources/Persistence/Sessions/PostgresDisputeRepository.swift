import Foundation
import Domain

/// `DisputeRepository` over `DisputeStore`, in the session's transaction.
struct PostgresDisputeRepository: DisputeRepository {
    let tx: Transaction

    func record(tenantId: UUID, environment: EnvironmentName, _ chargeback: Chargeback, via: String, firstJob: JobKind) throws -> DisputeEntry {
        try DisputeStore.record(tx, tenantId: tenantId, environment: environment, chargeback, via: via, firstJob: firstJob)
    }

    func find(tenantId: UUID, environment: EnvironmentName, caseNumber: String) throws -> Dispute? {
        try DisputeStore.find(tx, tenantId: tenantId, environment: environment, caseNumber: caseNumber)
    }

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Dispute? {
        try DisputeStore.get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func list(tenantId: UUID, environment: EnvironmentName, status: String?, after cursor: PageCursor?, limit: Int) throws -> Page<Dispute> {
        try DisputeStore.list(tx, tenantId: tenantId, environment: environment, status: status, after: cursor, limit: limit)
    }

    func resolve(tenantId: UUID, environment: EnvironmentName, id: UUID, status: String) throws -> Dispute? {
        try DisputeStore.resolve(tx, tenantId: tenantId, environment: environment, id: id, status: status)
    }
}
