public import Foundation
public import Domain

/// The journals posted for each settlement, per ledger and kind: posted once, found again by
/// whoever asks to post.
public enum SettlementPostingStore {
    public static func list(_ tx: Transaction, tenantId: UUID, settlementId: UUID) throws -> [SettlementPosting] {
        try tx.query(
            """
            SELECT system, kind, amount::text AS amount, target_id, posted_at FROM settlement_postings
            WHERE tenant_id = $1 AND settlement_id = $2 ORDER BY posted_at, kind
            """, [tenantId, settlementId]
        ).map { row in
            SettlementPosting(
                system: try row.string("system"), kind: try row.value("kind"),
                amount: try row.decimal("amount"), targetId: row.optionalString("target_id"),
                postedAt: try row.date("posted_at"))
        }
    }

    /// The first posting of a kind stands (a concurrent one found the same journal).
    public static func record(
        _ tx: Transaction, tenantId: UUID, settlementId: UUID, system: String, kind: SettlementJournals.Kind, amount: Decimal, targetId: String?
    )
        throws
    {
        try tx.query(
            """
            INSERT INTO settlement_postings (settlement_id, tenant_id, system, kind, amount, target_id) VALUES ($1, $2, $3, $4, $5::numeric, $6)
            ON CONFLICT DO NOTHING
            """, [settlementId, tenantId, system, kind.rawValue, "\(amount)", targetId])
    }
}
