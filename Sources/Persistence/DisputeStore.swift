public import Foundation
public import Domain

/// Chargebacks entered by the merchant, each recorded with the event that its flow processes
/// and an alert, in one transaction: a dispute is never without its event or its alert.
public enum DisputeStore {
    static let columns = """
        id, environment, case_number, transaction_id, customer_id, amount::text AS amount, fee::text AS fee, currency, reason, received_at,
        status, entered_via, event_id, created_at
        """

    /// A new case is also an event (`chargeback.created`) whose first job is of `firstJob`.
    public static func record(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, _ chargeback: Chargeback, via: String,
        firstJob: JobKind
    ) throws -> DisputeEntry {
        if let earlier = try find(tx, tenantId: tenantId, environment: environment, caseNumber: chargeback.caseNumber) {
            return earlier.chargeback == chargeback ? .existing(earlier) : .conflicting(earlier)
        }
        let event = try EventStore.record(
            tx,
            NewEvent(
                tenantId: tenantId, environment: environment, source: "chargeback", vendorEventId: "chargeback:\(chargeback.caseNumber)",
                type: "chargeback.created", endpointId: nil, payload: chargeback.event.canonicalText), firstJob: firstJob)
        let row = try tx.one(
            """
            INSERT INTO disputes (tenant_id, environment, case_number, transaction_id, customer_id, amount, fee, currency, reason, received_at, entered_via, event_id)
            VALUES ($1, $2, $3, $4, $5, $6::numeric, $7::numeric, $8, $9, $10, $11, $12)
            ON CONFLICT (tenant_id, environment, case_number) DO NOTHING
            RETURNING \(columns)
            """,
            [
                tenantId, environment.rawValue, chargeback.caseNumber, chargeback.transactionId, chargeback.customerId, "\(chargeback.amount)",
                "\(chargeback.fee)", chargeback.currency, chargeback.reason, chargeback.receivedAt, via, event.id,
            ])
        // Entered twice at once: the other transaction's row stands.
        guard let row else { return try record(tx, tenantId: tenantId, environment: environment, chargeback, via: via, firstJob: firstJob) }
        let dispute = try decode(row)
        try AlertStore.raise(
            tx, tenantId: tenantId, environment: environment, kind: .chargeback, subject: "dispute:\(dispute.id.lowercasedText)",
            message: "Chargeback \(chargeback.caseNumber) of \(Chargeback.text(chargeback.amount, chargeback.currency)) \(chargeback.currency) "
                + "(fee \(Chargeback.text(chargeback.fee, chargeback.currency))) for customer "
                + "\(chargeback.customerId): \(chargeback.reason). Gather evidence before the processor's response deadline.")
        try FraudSettingsStore.judgeChargebackRatio(tx, tenantId: tenantId, environment: environment, at: chargeback.receivedAt)
        return .created(dispute)
    }

    public static func find(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, caseNumber: String) throws -> Dispute? {
        try tx.one(
            "SELECT \(columns) FROM disputes WHERE tenant_id = $1 AND environment = $2 AND case_number = $3",
            [tenantId, environment.rawValue, caseNumber]
        ).map(decode)
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Dispute? {
        try tx.one("SELECT \(columns) FROM disputes WHERE tenant_id = $1 AND environment = $2 AND id = $3", [tenantId, environment.rawValue, id]).map(decode)
    }

    public static func list(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, status: String?, after cursor: PageCursor?, limit: Int) throws
        -> Page<Dispute>
    {
        try Paging.fetch(
            tx, "SELECT \(columns) FROM disputes WHERE tenant_id = $1 AND environment = $2 AND ($3::text IS NULL OR status = $3)",
            [tenantId, environment.rawValue, status], after: cursor, limit: limit, decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// The merchant's outcome with the processor: won (the money comes back) or lost.
    public static func resolve(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID, status: String) throws -> Dispute? {
        try tx.one(
            "UPDATE disputes SET status = $4 WHERE tenant_id = $1 AND environment = $2 AND id = $3 RETURNING \(columns)",
            [tenantId, environment.rawValue, id, status]
        ).map(decode)
    }

    static func decode(_ row: Row) throws -> Dispute {
        let chargeback = Chargeback(
            caseNumber: try row.string("case_number"), transactionId: row.optionalString("transaction_id"),
            customerId: try row.string("customer_id"), amount: try row.decimal("amount"), fee: try row.decimal("fee"),
            currency: try row.string("currency"), reason: try row.string("reason"), receivedAt: try row.date("received_at"))
        return Dispute(
            id: try row.uuid("id"), environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev, chargeback: chargeback,
            status: try row.string("status"), enteredVia: try row.string("entered_via"), eventId: try row.uuid("event_id"),
            createdAt: try row.date("created_at"))
    }
}
