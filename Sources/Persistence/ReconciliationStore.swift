public import Foundation
public import Domain

/// Reconciliations of settlements and their findings. A reconciliation is created running, with
/// its job, and finished once with what the job found.
public enum ReconciliationStore {
    static let columns = """
        id, tenant_id, environment, settlement_id, status, array_to_string(systems, ',') AS systems, matched, differences, detail, created_at, finished_at,
        (SELECT count(*) FROM reconciliation_findings f WHERE f.reconciliation_id = reconciliations.id AND f.category <> 'matched'
          AND f.explained_at IS NULL) AS open_differences
        """

    public static func start(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, settlementId: UUID) throws -> Reconciliation {
        let row = try tx.one(
            "INSERT INTO reconciliations (tenant_id, environment, settlement_id, status) VALUES ($1, $2, $3, $4) RETURNING \(columns)",
            [tenantId, environment.rawValue, settlementId, Reconciliation.Status.running.rawValue])
        return try decode(row!)
    }

    /// Records the findings and the outcome; false when the reconciliation is no longer running
    /// (a second attempt of its job after the first finished it).
    @discardableResult
    public static func finish(
        _ tx: Transaction, tenantId: UUID, id: UUID, systems: [String], findings: [ReconciliationMatcher.Finding], detail: String?
    ) throws -> Bool {
        let matched = findings.filter { !$0.isDrift }.count, differences = findings.count - matched
        // Only this run's job may finish it: a second attempt after the first did changes nothing.
        guard
            try tx.one(
                "UPDATE reconciliations SET finished_at = now() WHERE tenant_id = $1 AND id = $2 AND status = $3 AND finished_at IS NULL RETURNING id",
                [tenantId, id, Reconciliation.Status.running.rawValue]) != nil
        else { return false }
        for (position, finding) in findings.enumerated() {
            try tx.query(
                """
                INSERT INTO reconciliation_findings (tenant_id, reconciliation_id, position, system, category, transaction_id, paytrace_amount,
                  ledger_id, ledger_amount, note)
                VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8, $9::numeric, $10)
                """,
                [
                    tenantId, id, position, finding.system, finding.category.rawValue, finding.transactionId.map(Int64.init),
                    finding.payTraceAmount.map { "\($0)" },
                    finding.ledgerId, finding.ledgerAmount.map { "\($0)" }, finding.note,
                ])
        }
        // A difference a person explained stays explained when a later run finds it again (the
        // same system, category, transaction and ledger record), so a rerun does not ask twice.
        try tx.query(
            """
            UPDATE reconciliation_findings f SET explanation = p.explanation, explained_by = p.explained_by, explained_at = p.explained_at
            FROM (
              SELECT DISTINCT ON (pf.system, pf.category, pf.transaction_id, pf.ledger_id)
                pf.system, pf.category, pf.transaction_id, pf.ledger_id, pf.explanation, pf.explained_by, pf.explained_at
              FROM reconciliation_findings pf JOIN reconciliations r ON r.tenant_id = pf.tenant_id AND r.id = pf.reconciliation_id
              WHERE pf.tenant_id = $1 AND pf.explained_at IS NOT NULL AND r.id <> $2
                AND r.settlement_id = (SELECT settlement_id FROM reconciliations WHERE tenant_id = $1 AND id = $2)
              ORDER BY pf.system, pf.category, pf.transaction_id, pf.ledger_id, pf.explained_at DESC
            ) p
            WHERE f.tenant_id = $1 AND f.reconciliation_id = $2 AND f.category <> 'matched' AND f.system = p.system AND f.category = p.category
              AND f.transaction_id IS NOT DISTINCT FROM p.transaction_id AND f.ledger_id IS NOT DISTINCT FROM p.ledger_id
            """, [tenantId, id])
        // Tolerance is zero, but a difference explained is accounted for: balanced when none is open.
        try tx.query(
            """
            UPDATE reconciliations SET systems = string_to_array($3, ','), matched = $4, differences = $5, detail = $6,
              status = CASE WHEN EXISTS (SELECT 1 FROM reconciliation_findings f WHERE f.tenant_id = $1 AND f.reconciliation_id = $2
                AND f.category <> 'matched' AND f.explained_at IS NULL) THEN $7 ELSE $8 END
            WHERE tenant_id = $1 AND id = $2
            """,
            [
                tenantId, id, systems.joined(separator: ","), matched, differences, detail, Reconciliation.Status.drift.rawValue,
                Reconciliation.Status.balanced.rawValue,
            ])
        return true
    }

    /// How many of these PayTrace transactions' events still have flow work queued or running:
    /// a reconciliation read before the flows finish writing them would report drift that is
    /// only work in progress.
    public static func pendingFlowEvents(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, transactionIds: [Int]) throws -> Int {
        try tx.one(
            """
            SELECT count(DISTINCT e.id) AS n FROM jobs j JOIN events e ON e.tenant_id = j.tenant_id AND e.id = j.event_id
            WHERE j.tenant_id = $1 AND e.environment = $2 AND e.source = 'paytrace'
              AND (e.payload->'transaction'->>'transaction_id') = ANY(string_to_array($3, ','))
            """, [tenantId, environment.rawValue, transactionIds.map(String.init).joined(separator: ",")]
        )?.int("n") ?? 0
    }

    /// Says why a running reconciliation is waiting, for whoever watches it.
    public static func note(_ tx: Transaction, tenantId: UUID, id: UUID, detail: String) throws {
        try tx.query(
            "UPDATE reconciliations SET detail = $3 WHERE tenant_id = $1 AND id = $2 AND status = $4",
            [tenantId, id, detail, Reconciliation.Status.running.rawValue])
    }

    /// A reconciliation whose last open difference was just explained is balanced.
    public static func settleIfExplained(_ tx: Transaction, tenantId: UUID, id: UUID) throws {
        try tx.query(
            """
            UPDATE reconciliations SET status = $3 WHERE tenant_id = $1 AND id = $2 AND status = $4
              AND NOT EXISTS (SELECT 1 FROM reconciliation_findings f WHERE f.tenant_id = $1 AND f.reconciliation_id = $2
                AND f.category <> 'matched' AND f.explained_at IS NULL)
            """, [tenantId, id, Reconciliation.Status.balanced.rawValue, Reconciliation.Status.drift.rawValue])
    }

    public static func fail(_ tx: Transaction, tenantId: UUID, id: UUID, detail: String) throws {
        try tx.query(
            "UPDATE reconciliations SET status = $3, detail = $4, finished_at = now() WHERE tenant_id = $1 AND id = $2 AND status = $5",
            [tenantId, id, Reconciliation.Status.failed.rawValue, detail, Reconciliation.Status.running.rawValue])
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Reconciliation? {
        try tx.one("SELECT \(columns) FROM reconciliations WHERE tenant_id = $1 AND environment = $2 AND id = $3", [tenantId, environment.rawValue, id])
            .map(decode)
    }

    public static func list(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, settlementId: UUID?, after cursor: PageCursor?, limit: Int
    ) throws -> Page<Reconciliation> {
        try Paging.fetch(
            tx, "SELECT \(columns) FROM reconciliations WHERE tenant_id = $1 AND environment = $2 AND ($3::uuid IS NULL OR settlement_id = $3::uuid)",
            [tenantId, environment.rawValue, settlementId], after: cursor, limit: limit, decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// Findings in the order they were found; `category` narrows them.
    public static func findings(_ tx: Transaction, tenantId: UUID, reconciliationId: UUID, category: ReconciliationMatcher.Category?) throws
        -> [RecordedFinding]
    {
        try tx.query(
            """
            SELECT position, system, category, transaction_id, paytrace_amount::text AS paytrace_amount, ledger_id, ledger_amount::text AS ledger_amount,
              note, explanation, explained_by, explained_at
            FROM reconciliation_findings WHERE tenant_id = $1 AND reconciliation_id = $2 AND ($3::text IS NULL OR category = $3) ORDER BY position
            """, [tenantId, reconciliationId, category?.rawValue]
        ).map(decodeFinding)
    }

    /// A person's note on a difference; nil when there is no such difference (or it matched).
    public static func explain(_ tx: Transaction, tenantId: UUID, reconciliationId: UUID, position: Int, note: String, by actor: String) throws
        -> RecordedFinding?
    {
        try tx.one(
            """
            UPDATE reconciliation_findings SET explanation = $4, explained_by = $5, explained_at = now()
            WHERE tenant_id = $1 AND reconciliation_id = $2 AND position = $3 AND category <> 'matched'
            RETURNING position, system, category, transaction_id, paytrace_amount::text AS paytrace_amount, ledger_id, ledger_amount::text AS ledger_amount,
              note, explanation, explained_by, explained_at
            """, [tenantId, reconciliationId, position, note, actor]
        ).map(decodeFinding)
    }

    static func decodeFinding(_ row: Row) throws -> RecordedFinding {
        return RecordedFinding(
            position: try row.int("position"),
            finding: ReconciliationMatcher.Finding(
                system: try row.string("system"), category: try row.value("category"), transactionId: row.optionalString("transaction_id").flatMap { Int($0) },
                payTraceAmount: try row.optionalDecimal("paytrace_amount"), ledgerId: row.optionalString("ledger_id"),
                ledgerAmount: try row.optionalDecimal("ledger_amount"),
                note: try row.string("note")),
            explanation: row.optionalString("explanation"), explainedBy: row.optionalString("explained_by"), explainedAt: try row.optionalDate("explained_at"))
    }

    static func decode(_ row: Row) throws -> Reconciliation {
        Reconciliation(
            id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"), environment: try row.value("environment"),
            settlementId: try row.uuid("settlement_id"), status: try row.value("status"),
            systems: (row.optionalString("systems") ?? "").split(separator: ",").map(String.init), matched: try row.int("matched"),
            differences: try row.int("differences"), openDifferences: try row.int("open_differences"), detail: row.optionalString("detail"),
            createdAt: try row.date("created_at"),
            finishedAt: try row.optionalDate("finished_at"))
    }
}
