public import Foundation

/// Chargebacks entered or imported, and how they were resolved.
public protocol DisputeRepository {
    /// A new case is also an event (`chargeback.created`) whose first job is of `firstJob`.
    func record(tenantId: UUID, environment: EnvironmentName, _ chargeback: Chargeback, via: String, firstJob: JobKind) throws -> DisputeEntry

    func find(tenantId: UUID, environment: EnvironmentName, caseNumber: String) throws -> Dispute?

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Dispute?

    func list(tenantId: UUID, environment: EnvironmentName, status: String?, after cursor: PageCursor?, limit: Int) throws -> Page<Dispute>

    /// The merchant's outcome with the processor: won (the money comes back) or lost.
    func resolve(tenantId: UUID, environment: EnvironmentName, id: UUID, status: String) throws -> Dispute?
}
