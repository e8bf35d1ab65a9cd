public import Foundation
public import Domain

/// The exactly-once ledger's table, `sync_links`: which target record each source key became.
/// `SyncLedger` (Engine) is the one caller; it holds the contract around it.
public enum SyncLinkStore {
    /// The target id `sourceKey` became, if it was written before.
    public static func lookup(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, target: String, sourceKey: String) throws -> String? {
        try tx.read(lookup(tenantId: tenantId, environment: environment, target: target, sourceKey: sourceKey))
    }

    public static func lookup(tenantId: UUID, environment: EnvironmentName, target: String, sourceKey: String) -> Read<String?> {
        Read(
            "SELECT target_id FROM sync_links WHERE tenant_id = $1 AND environment = $2 AND target = $3 AND source_key = $4",
            [tenantId, environment.rawValue, target, sourceKey]
        ) { try $0.first.map { try $0.string("target_id") } }
    }

    /// The target ids many source keys became, by source key (reconciliation's cross-reference).
    public static func targets(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, target: String, sourceKeys: [String]) throws -> [String: String]
    {
        guard !sourceKeys.isEmpty else { return [:] }
        var found: [String: String] = [:]
        for row in try tx.query(
            """
            SELECT source_key, target_id FROM sync_links
            WHERE tenant_id = $1 AND environment = $2 AND target = $3 AND source_key = ANY(string_to_array($4, chr(31)))
            """, [tenantId, environment.rawValue, target, sourceKeys.joined(separator: "\u{1F}")])
        {
            found[try row.string("source_key")] = try row.string("target_id")
        }
        return found
    }

    /// The link of a source key to its target record, with the run that wrote it.
    public static func link(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, target: String, sourceKey: String) throws -> SyncLink? {
        try tx.one(
            "SELECT target_id, run_id FROM sync_links WHERE tenant_id = $1 AND environment = $2 AND target = $3 AND source_key = $4",
            [tenantId, environment.rawValue, target, sourceKey]
        ).map {
            SyncLink(
                tenantId: tenantId, environment: environment, target: target, sourceKey: sourceKey, targetId: try $0.string("target_id"),
                runId: try $0.uuid("run_id"))
        }
    }

    /// Forgets a link whose target record no longer exists (a person deleted it), so the step
    /// that wrote it can write it again; only that very link (`targetId`) is removed.
    public static func forget(_ tx: Transaction, _ link: SyncLink) throws {
        try tx.query(
            "DELETE FROM sync_links WHERE tenant_id = $1 AND environment = $2 AND target = $3 AND source_key = $4 AND target_id = $5",
            [link.tenantId, link.environment.rawValue, link.target, link.sourceKey, link.targetId])
    }

    /// Records the link; the first one recorded for a key stands (two writers racing on one key
    /// both found the same target record, or the second is a replay of the first).
    public static func record(_ tx: Transaction, _ link: SyncLink) throws {
        tx.hold(
            """
            INSERT INTO sync_links (tenant_id, environment, target, source_key, target_id, run_id) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT DO NOTHING
            """, [link.tenantId, link.environment.rawValue, link.target, link.sourceKey, link.targetId, link.runId])
    }
}
