public import Foundation

/// The append-only, hash-chained audit log.
public protocol AuditLogRepository {
    /// Appends to the chain of `tenantId` (nil: the platform's chain) inside the caller's transaction.
    @discardableResult
    func append(tenantId: UUID?, _ record: AuditRecord) throws -> AuditEntry

    /// Newest first; `before` is the sequence number the previous page ended at.
    func list(tenantId: UUID, before: Int64?, limit: Int) throws -> (entries: [AuditEntry], next: Int64?)

    /// Recomputes the whole chain of a tenant.
    func verify(tenantId: UUID) throws -> AuditChainVerdict
}
