public import Foundation

/// One entry of the exactly-once ledger: a source record (its key, e.g. `txn:123` or a step's
/// `event:<id>:<step>`) became this record of this target, written by this run. There is at
/// most one per (tenant, environment, target, source key), which is what makes a retried,
/// replayed or twice-delivered write land once.
public struct SyncLink: Sendable, Equatable {
    public let tenantId: UUID
    public let environment: EnvironmentName
    /// The target schema's name, e.g. `zoho_books.invoice`.
    public let target: String
    public let sourceKey: String
    public let targetId: String
    public let runId: UUID

    public init(tenantId: UUID, environment: EnvironmentName, target: String, sourceKey: String, targetId: String, runId: UUID) {
        self.tenantId = tenantId
        self.environment = environment
        self.target = target
        self.sourceKey = sourceKey
        self.targetId = targetId
        self.runId = runId
    }
}
