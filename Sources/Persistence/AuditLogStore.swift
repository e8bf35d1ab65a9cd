public import Foundation
public import Domain
import Crypto

/// The append-only audit log. Each append takes a transaction-scoped advisory lock on its chain,
/// so concurrent writers queue for the next sequence number instead of forking the chain.
public enum AuditLogStore {
    static let columns = "tenant_id, seq, at, actor, action, target_type, target_id, request_id, details, prev_hash, hash"

    /// Appends to the chain of `tenantId` (nil: the platform's chain) inside the caller's transaction.
    @discardableResult
    public static func append(_ tx: Transaction, tenantId: UUID?, _ record: AuditRecord) throws -> AuditEntry {
        let chain = tenantId?.lowercasedText ?? "platform"
        try tx.query("SELECT pg_advisory_xact_lock(hashtextextended('audit:' || $1, 0))", [chain])
        let last = try tx.one(
            """
            SELECT seq, hash FROM audit_log WHERE tenant_id IS NOT DISTINCT FROM $1::uuid ORDER BY seq DESC LIMIT 1
            """, [tenantId])
        let sequence = (try last?.int64("seq") ?? 0) + 1
        let previous = try last?.string("hash") ?? AuditEntry.genesisHash
        // Microsecond precision, what PostgreSQL stores, so the hash recomputes from the stored row.
        let now = Timestamp.parse(Timestamp.format(Date())) ?? Date()
        // The log can never be purged: whatever text it keeps (an id, a name, a note) is masked of
        // card numbers first.
        var entry = AuditEntry(
            tenantId: tenantId, sequence: sequence, at: now, actor: CardNumberMasking.maskText(record.actor), action: record.action,
            targetType: record.targetType, targetId: CardNumberMasking.maskText(record.targetId), requestId: CardNumberMasking.maskText(record.requestId),
            details: CardNumberMasking.maskJSON(record.details), previousHash: previous, hash: "")
        entry.hash = hashOf(entry.canonicalText)
        try tx.query(
            """
            INSERT INTO audit_log (\(columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [
                tenantId, entry.sequence, entry.at, entry.actor, entry.action, entry.targetType, entry.targetId,
                entry.requestId, entry.details, entry.previousHash, entry.hash,
            ])
        return entry
    }

    /// Newest first; `before` is the sequence number the previous page ended at.
    public static func list(_ tx: Transaction, tenantId: UUID, before: Int64?, limit: Int) throws -> (entries: [AuditEntry], next: Int64?) {
        let rows = try tx.query(
            """
            SELECT \(columns) FROM audit_log WHERE tenant_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3
            """, [tenantId, before ?? Int64.max, limit + 1])
        let entries = try rows.prefix(limit).map(decode)
        return (entries, rows.count > limit ? entries.last?.sequence : nil)
    }

    /// Recomputes the whole chain of a tenant.
    public static func verify(_ tx: Transaction, tenantId: UUID) throws -> AuditChainVerdict {
        let rows = try tx.query("SELECT \(columns) FROM audit_log WHERE tenant_id = $1 ORDER BY seq", [tenantId])
        return AuditChainVerdict.check(try rows.map(decode), hashOf: hashOf)
    }

    static func hashOf(_ text: String) -> String { Encoding.hex(Digest.sha256(text)) }

    static func decode(_ row: Row) throws -> AuditEntry {
        AuditEntry(
            tenantId: try row.optionalUUID("tenant_id"), sequence: try row.int64("seq"), at: try row.date("at"),
            actor: try row.string("actor"), action: try row.string("action"), targetType: try row.string("target_type"),
            targetId: try row.string("target_id"), requestId: try row.string("request_id"), details: try row.string("details"),
            previousHash: try row.string("prev_hash"), hash: try row.string("hash"))
    }
}
