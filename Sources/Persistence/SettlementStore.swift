public import Foundation
public import Domain

/// Settled PayTrace batches and their lines. A batch is recorded once per connection: recording
/// it again returns the stored settlement and changes nothing, so a poll that sees the batch
/// twice, or a backfill over days already read, is harmless.
public enum SettlementStore {
    static let columns = """
        id, tenant_id, environment, connection_id, batch_number, settled_at, settled_on::text AS settled_on, currency, created_at,
        (SELECT concat_ws(' ', statement_date, gross, fees, net) FROM settlement_actuals a WHERE a.settlement_id = settlements.id) AS actual
        """

    /// The settlement of `batchNumber`, and whether this call created it.
    public static func record(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID, batchNumber: Int, settledAt: String, settledOn: String,
        currency: String, lines: [SettlementLine]
    ) throws -> (settlement: Settlement, created: Bool) {
        let totals = SettlementTotals(lines: lines)
        let row = try tx.one(
            """
            INSERT INTO settlements (tenant_id, environment, connection_id, batch_number, settled_at, settled_on, currency, sales_count, sales_amount,
              refund_count, refund_amount, net_amount, fees, deposit)
            VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9::numeric, $10, $11::numeric, $12::numeric, $13::numeric, $14::numeric)
            ON CONFLICT (tenant_id, environment, connection_id, batch_number) DO NOTHING
            RETURNING \(columns)
            """,
            [
                tenantId, environment.rawValue, connectionId, batchNumber, settledAt, settledOn, currency, totals.salesCount, "\(totals.salesAmount)",
                totals.refundCount, "\(totals.refundAmount)", "\(totals.net)", "\(totals.fees)", "\(totals.deposit)",
            ])
        guard let row else {
            guard let existing = try find(tx, tenantId: tenantId, environment: environment, connectionId: connectionId, batchNumber: batchNumber) else {
                throw DomainError.conflict("settlement of batch \(batchNumber) is neither new nor stored")
            }
            return (existing, false)
        }
        let id = try row.uuid("id")
        // One statement for all the lines (a day can settle thousands): their values as a JSON
        // array, amounts as decimal strings, unpacked by PostgreSQL.
        let values = JSONValue.array(
            lines.map { line in
                .object([
                    "transaction_id": .string(String(line.transactionId)), "transaction_type": .string(line.type), "amount": .string("\(line.amount)"),
                    "card_brand": .string(line.cardBrand.rawValue), "masked_card_number": .string(line.maskedCardNumber),
                    "invoice_id": line.invoiceId.map(JSONValue.string) ?? .null, "customer_id": line.customerId.map(JSONValue.string) ?? .null,
                    "expected_fee": .string("\(line.expectedFee)"), "created_on": line.createdOn.map(JSONValue.string) ?? .null,
                ])
            })
        try tx.query(
            """
            INSERT INTO settlement_lines (tenant_id, settlement_id, transaction_id, transaction_type, amount, card_brand, masked_card_number,
              invoice_id, customer_id, expected_fee, created_on)
            SELECT $1, $2, (l->>'transaction_id')::bigint, l->>'transaction_type', (l->>'amount')::numeric, l->>'card_brand', l->>'masked_card_number',
              l->>'invoice_id', l->>'customer_id', (l->>'expected_fee')::numeric, (l->>'created_on')::date
            FROM jsonb_array_elements($3::jsonb) AS l
            """, [tenantId, id, values.canonicalText])
        return (try decode(row, totals: totals), true)
    }

    public static func find(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID, batchNumber: Int) throws -> Settlement? {
        guard
            let row = try tx.one(
                "SELECT \(columns) FROM settlements WHERE tenant_id = $1 AND environment = $2 AND connection_id = $3 AND batch_number = $4",
                [tenantId, environment.rawValue, connectionId, batchNumber])
        else { return nil }
        return try decode(row, totals: SettlementTotals(lines: try lines(tx, tenantId: tenantId, settlementId: try row.uuid("id"))))
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Settlement? {
        guard
            let row = try tx.one(
                "SELECT \(columns) FROM settlements WHERE tenant_id = $1 AND environment = $2 AND id = $3", [tenantId, environment.rawValue, id])
        else { return nil }
        return try decode(row, totals: SettlementTotals(lines: try lines(tx, tenantId: tenantId, settlementId: id)))
    }

    /// Settlements oldest first; `settledFrom`/`settledTo` (`yyyy-MM-dd`, inclusive) narrow them by day.
    public static func list(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, settledFrom: String?, settledTo: String?, after cursor: PageCursor?, limit: Int
    ) throws -> Page<Settlement> {
        try Paging.fetch(
            tx,
            """
            SELECT \(columns), sales_count, sales_amount::text AS sales_amount, refund_count, refund_amount::text AS refund_amount,
              net_amount::text AS net_amount, fees::text AS fees, deposit::text AS deposit
            FROM settlements WHERE tenant_id = $1 AND environment = $2 AND ($3::date IS NULL OR settled_on >= $3::date)
              AND ($4::date IS NULL OR settled_on <= $4::date)
            """,
            [tenantId, environment.rawValue, settledFrom, settledTo], after: cursor, limit: limit,
            decode: { row in try decode(row, totals: try storedTotals(row)) }
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// Of `transactionIds`, those settled in a batch other than `settlementId`'s, with its number.
    public static func settledElsewhere(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, transactionIds: [Int], excluding settlementId: UUID)
        throws -> [Int: Int]
    {
        guard !transactionIds.isEmpty else { return [:] }
        var found: [Int: Int] = [:]
        for row in try tx.query(
            """
            SELECT l.transaction_id, s.batch_number FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_id
            WHERE l.tenant_id = $1 AND s.environment = $2 AND s.id <> $3 AND l.transaction_id = ANY(string_to_array($4, ',')::bigint[])
            """, [tenantId, environment.rawValue, settlementId, transactionIds.map(String.init).joined(separator: ",")])
        {
            found[Int(try row.int64("transaction_id"))] = try row.int("batch_number")
        }
        return found
    }

    public static func lines(_ tx: Transaction, tenantId: UUID, settlementId: UUID) throws -> [SettlementLine] {
        try tx.query(
            """
            SELECT transaction_id, transaction_type, amount::text AS amount, card_brand, masked_card_number, invoice_id, customer_id,
              expected_fee::text AS expected_fee, to_char(created_on, 'YYYY-MM-DD') AS created_on
            FROM settlement_lines WHERE tenant_id = $1 AND settlement_id = $2 ORDER BY transaction_id
            """, [tenantId, settlementId]
        ).map { row in
            SettlementLine(
                transactionId: Int(try row.int64("transaction_id")), type: try row.string("transaction_type"), amount: try row.decimal("amount"),
                cardBrand: CardBrand(rawValue: try row.string("card_brand")) ?? .other, maskedCardNumber: try row.string("masked_card_number"),
                invoiceId: row.optionalString("invoice_id"), customerId: row.optionalString("customer_id"), expectedFee: try row.decimal("expected_fee"),
                createdOn: row.optionalString("created_on"))
        }
    }

    static func decode(_ row: Row, totals: SettlementTotals) throws -> Settlement {
        // "date gross fees net", from one sub-select rather than a join that would clash on tenant_id.
        let actual = row.optionalString("actual").flatMap { text -> SettlementActual? in
            let parts = text.split(separator: " ").map(String.init)
            let numbers = parts.dropFirst().compactMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
            guard parts.count == 4, numbers.count == 3 else { return nil }
            return SettlementActual(statementDate: parts[0], gross: numbers[0], fees: numbers[1], net: numbers[2])
        }
        return Settlement(
            id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"), environment: try row.value("environment"), connectionId: try row.uuid("connection_id"),
            batchNumber: try row.int("batch_number"), settledAt: try row.string("settled_at"), settledOn: try row.string("settled_on"),
            currency: try row.string("currency"), totals: totals, actual: actual, createdAt: try row.date("created_at"))
    }

    /// The statement's figures for a settlement; imported again, they replace the earlier ones.
    public static func recordActual(_ tx: Transaction, tenantId: UUID, settlementId: UUID, _ actual: SettlementActual) throws {
        try tx.query(
            """
            INSERT INTO settlement_actuals (settlement_id, tenant_id, statement_date, gross, fees, net) VALUES ($1, $2, $3::date, $4::numeric, $5::numeric, $6::numeric)
            ON CONFLICT (settlement_id) DO UPDATE SET statement_date = excluded.statement_date, gross = excluded.gross, fees = excluded.fees,
              net = excluded.net, imported_at = now()
            """, [settlementId, tenantId, actual.statementDate, "\(actual.gross)", "\(actual.fees)", "\(actual.net)"])
    }

    /// A list row's totals as stored (the same figures its lines give, without reading them).
    static func storedTotals(_ row: Row) throws -> SettlementTotals {
        SettlementTotals(
            salesCount: try row.int("sales_count"), salesAmount: try row.decimal("sales_amount"), refundCount: try row.int("refund_count"),
            refundAmount: try row.decimal("refund_amount"), fees: try row.decimal("fees"))
    }
}
