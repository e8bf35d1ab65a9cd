import Foundation
import Domain

/// `AuditLogRepository` over `AuditLogStore`, in the session's transaction.
struct PostgresAuditLogRepository: AuditLogRepository {
    let tx: Transaction

    @discardableResult
    func append(tenantId: UUID?, _ record: AuditRecord) throws -> AuditEntry {
        try AuditLogStore.append(tx, tenantId: tenantId, record)
    }

    func list(tenantId: UUID, before: Int64?, limit: Int) throws -> (entries: [AuditEntry], next: Int64?) {
        try AuditLogStore.list(tx, tenantId: tenantId, before: before, limit: limit)
    }

    func verify(tenantId: UUID) throws -> AuditChainVerdict {
        try AuditLogStore.verify(tx, tenantId: tenantId)
    }
}
