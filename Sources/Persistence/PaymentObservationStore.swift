public import Foundation
public import Domain

/// PayTrace transactions as the fraud detectors see them, and what came before each.
public enum PaymentObservationStore {
    /// Records `observation`; false when it was recorded already (a replayed event), so that it is judged once.
    public static func record(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, _ observation: PaymentObservation) throws -> Bool {
        try tx.one(
            """
            INSERT INTO payment_observations (tenant_id, environment, transaction_id, kind, amount, declined, customer_id, card, observed_at, bin)
            VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING transaction_id
            """,
            [
                tenantId, environment.rawValue, observation.transactionId, observation.kind.rawValue, "\(observation.amount)", observation.declined,
                observation.customerId, observation.card, observation.at, observation.bin,
            ]) != nil
    }

    /// Holds, until the transaction ends, the lock under which one customer's transactions are judged.
    public static func lockCustomer(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, _ customerId: String?) throws {
        _ = try tx.query(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 18))", ["fraud:\(tenantId.lowercasedText):\(environment.rawValue):\(customerId ?? "")"])
    }

    /// The same customer's other observations (or, with no customer, the other customer-less
    /// ones) from `since` to `until`, oldest first, at most `limit` of the newest.
    public static func history(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, around observation: PaymentObservation, since: Date, until: Date,
        limit: Int = 1000
    ) throws -> [PaymentObservation] {
        try tx.query(
            """
            SELECT * FROM (
              SELECT \(columns) FROM payment_observations
              WHERE tenant_id = $1 AND environment = $2 AND (customer_id = $3 OR ($3::text IS NULL AND customer_id IS NULL)) AND observed_at >= $4
                AND observed_at <= $5
                AND transaction_id <> $6
              ORDER BY observed_at DESC LIMIT $7) recent
            ORDER BY observed_at
            """, [tenantId, environment.rawValue, observation.customerId, since, until, observation.transactionId, limit]
        ).map(decode)
    }

    static let columns = "transaction_id, kind, amount::text AS amount, declined, customer_id, card, bin, observed_at"

    /// The environment's approved sales over the 28 days before `at`, and their 99th percentile.
    public static func merchantAmounts(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, before at: Date) throws
        -> FraudDetectors.MerchantAmounts
    {
        let row = try tx.one(
            """
            SELECT count(*)::int AS n, coalesce(percentile_disc(0.99) WITHIN GROUP (ORDER BY amount), 0)::text AS p99 FROM payment_observations
            WHERE tenant_id = $1 AND environment = $2 AND kind = 'sale' AND NOT declined AND observed_at >= $3 AND observed_at < $4
            """, [tenantId, environment.rawValue, at.addingTimeInterval(-FraudDetectors.merchantWindow), at])
        return FraudDetectors.MerchantAmounts(sales: try row?.int("n") ?? 0, percentile99: try row?.decimal("p99") ?? 0)
    }

    /// The environment's sales and authorizations on cards of `bin` between two times, whoever the
    /// customer: card testers run through numbers of one range.
    public static func binAttempts(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, bin: String, since: Date, until: Date, limit: Int = 500
    ) throws -> [PaymentObservation] {
        try tx.query(
            """
            SELECT \(columns) FROM payment_observations
            WHERE tenant_id = $1 AND environment = $2 AND bin = $3 AND kind IN ('sale', 'authorization') AND observed_at >= $4 AND observed_at <= $5
            ORDER BY observed_at LIMIT $6
            """, [tenantId, environment.rawValue, bin, since, until, limit]
        ).map(decode)
    }

    static func decode(_ row: Row) throws -> PaymentObservation {
        PaymentObservation(
            transactionId: Int(try row.string("transaction_id")) ?? 0, kind: PaymentObservation.Kind(rawValue: try row.string("kind")) ?? .other,
            amount: try row.decimal("amount"), declined: try row.bool("declined"), customerId: row.optionalString("customer_id"),
            card: row.optionalString("card"), bin: row.optionalString("bin"), at: try row.date("observed_at"))
    }

    /// The environment's counts around `observation` for the rate detectors.
    public static func rateCounts(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, at: Date) throws -> RateSpikes.Counts {
        let recentStart = at.addingTimeInterval(-RateSpikes.recentWindow)
        let refundStart = at.addingTimeInterval(-RateSpikes.refundWindow)
        let baselineStart = recentStart.addingTimeInterval(-RateSpikes.baselineDays * 86_400)
        guard
            let row = try tx.one(
                """
                SELECT count(*) FILTER (WHERE kind IN ('sale', 'authorization') AND observed_at > $3) AS recent_attempts,
                  count(*) FILTER (WHERE kind IN ('sale', 'authorization') AND observed_at > $3 AND declined) AS recent_declines,
                  count(*) FILTER (WHERE kind IN ('sale', 'authorization') AND observed_at <= $3) AS baseline_attempts,
                  count(*) FILTER (WHERE kind IN ('sale', 'authorization') AND observed_at <= $3 AND declined) AS baseline_declines,
                  count(*) FILTER (WHERE kind = 'refund' AND observed_at > $4) AS recent_refunds,
                  count(*) FILTER (WHERE kind = 'refund' AND observed_at <= $3) AS baseline_refunds,
                  coalesce(extract(epoch FROM $3::timestamptz - min(observed_at)) / 86400, 0)::float8 AS days,
                  count(*) FILTER (WHERE kind IN ('sale', 'authorization') AND observed_at <= $3 AND \(sameHourOfWeek)) AS slot_attempts,
                  count(*) FILTER (WHERE kind IN ('sale', 'authorization') AND observed_at <= $3 AND declined AND \(sameHourOfWeek)) AS slot_declines
                FROM payment_observations WHERE tenant_id = $1 AND environment = $2 AND observed_at > $5 AND observed_at <= $6
                """, [tenantId, environment.rawValue, recentStart, refundStart, baselineStart, at])
        else {
            return RateSpikes.Counts(
                recentAttempts: 0, recentDeclines: 0, baselineAttempts: 0, baselineDeclines: 0, recentRefunds: 0, baselineRefunds: 0, baselineDaysCovered: 0)
        }
        return RateSpikes.Counts(
            recentAttempts: try row.int("recent_attempts"), recentDeclines: try row.int("recent_declines"), baselineAttempts: try row.int("baseline_attempts"),
            baselineDeclines: try row.int("baseline_declines"), recentRefunds: try row.int("recent_refunds"), baselineRefunds: try row.int("baseline_refunds"),
            baselineDaysCovered: Double(row.optionalString("days") ?? "") ?? 0, slotAttempts: try row.int("slot_attempts"),
            slotDeclines: try row.int("slot_declines"))
    }

    /// An observation in the same hour of the week as the one judged ($6), in UTC.
    static let sameHourOfWeek = """
        date_part('isodow', observed_at AT TIME ZONE 'UTC') = date_part('isodow', $6::timestamptz AT TIME ZONE 'UTC')
          AND date_part('hour', observed_at AT TIME ZONE 'UTC') = date_part('hour', $6::timestamptz AT TIME ZONE 'UTC')
        """

    /// Deletes up to `limit` observations made before `cutoff`; returns how many.
    public static func purge(_ tx: Transaction, olderThan cutoff: Date, tenants: TenantScope, limit: Int = 5_000) throws -> Int {
        try tx.query(
            """
            DELETE FROM payment_observations WHERE ctid IN (
              SELECT ctid FROM payment_observations WHERE observed_at < $1 AND ($2::uuid[] IS NULL OR tenant_id = ANY($2)) LIMIT $3)
            RETURNING 1
            """, [cutoff, tenants.sqlArray, limit]
        ).count
    }
}
