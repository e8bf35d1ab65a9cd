public import Foundation
public import Domain

/// Vendor calls per connection and minute (see `ConnectionCallLedger`), and each connection's
/// last success and failure.
public enum VendorCallStore {
    /// Adds what a process counted; several processes' counts for one minute add up.
    public static func record(_ tx: Transaction, _ tallies: [ConnectionCallLedger.Key: ConnectionCallLedger.Tally]) throws {
        guard !tallies.isEmpty else { return }
        let rows: [[String: Any]] = tallies.map { key, tally in
            var row: [String: Any] = [
                "tenant_id": key.tenantId.lowercasedText, "connection_id": key.connectionId.lowercasedText,
                "minute": key.minute, "calls": tally.calls, "failures": tally.failures,
            ]
            if let at = tally.lastSuccessAt { row["last_success_at"] = Timestamp.format(at) }
            if let at = tally.lastFailureAt { row["last_failure_at"] = Timestamp.format(at) }
            if let error = tally.lastError { row["last_error"] = error }
            return row
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self)
        try tx.query(
            """
            INSERT INTO vendor_call_minutes (tenant_id, connection_id, minute, calls, failures)
            SELECT tenant_id, connection_id, to_timestamp(minute), calls, failures
            FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id uuid, connection_id uuid, minute bigint, calls int, failures int)
            WHERE EXISTS (SELECT 1 FROM connections c WHERE c.id = r.connection_id AND c.tenant_id = r.tenant_id)
            ON CONFLICT (tenant_id, connection_id, minute) DO UPDATE
              SET calls = vendor_call_minutes.calls + EXCLUDED.calls, failures = vendor_call_minutes.failures + EXCLUDED.failures
            """, [json])
        try tx.query(
            """
            INSERT INTO connection_call_status (tenant_id, connection_id, last_success_at, last_failure_at, last_error)
            SELECT tenant_id, connection_id, max(last_success_at), max(last_failure_at),
                   (array_agg(last_error ORDER BY last_failure_at DESC NULLS LAST))[1]
            FROM jsonb_to_recordset($1::jsonb)
              AS r(tenant_id uuid, connection_id uuid, last_success_at timestamptz, last_failure_at timestamptz, last_error text)
            WHERE EXISTS (SELECT 1 FROM connections c WHERE c.id = r.connection_id AND c.tenant_id = r.tenant_id)
            GROUP BY tenant_id, connection_id
            ON CONFLICT (tenant_id, connection_id) DO UPDATE SET
              last_success_at = GREATEST(connection_call_status.last_success_at, EXCLUDED.last_success_at),
              last_failure_at = GREATEST(connection_call_status.last_failure_at, EXCLUDED.last_failure_at),
              last_error = CASE WHEN EXCLUDED.last_failure_at IS NOT NULL
                                 AND EXCLUDED.last_failure_at >= coalesce(connection_call_status.last_failure_at, EXCLUDED.last_failure_at)
                                THEN EXCLUDED.last_error ELSE connection_call_status.last_error END
            """, [json])
    }

    /// Minutes older than the dashboard's longest range (30 days) and a margin, a batch at a time.
    @discardableResult
    public static func purge(_ tx: Transaction, olderThanDays days: Int = 35, limit: Int = 5000) throws -> Int {
        try tx.query(
            """
            DELETE FROM vendor_call_minutes WHERE ctid IN (
              SELECT ctid FROM vendor_call_minutes WHERE minute < now() - make_interval(days => $1) LIMIT $2)
            RETURNING 1
            """, [days, limit]
        ).count
    }

    /// Writes what the ledger holds; on failure gives it back for the next try.
    public static func flush(_ database: Database, ledger: ConnectionCallLedger = .shared) throws {
        let tallies = ledger.drain()
        guard !tallies.isEmpty else { return }
        do {
            try database.transaction(.platform) { try record($0, tallies) }
        } catch {
            ledger.restore(tallies)
            throw error
        }
    }

    /// Per connection, its calls and failures in each bucket of `seconds` from `from`.
    public static func series(_ tx: Transaction, tenantId: UUID, connectionIds: [UUID], from: Date, to: Date, bucketSeconds: Int) throws
        -> [UUID: [Int: (calls: Int, failures: Int)]]
    {
        guard !connectionIds.isEmpty else { return [:] }
        var series: [UUID: [Int: (calls: Int, failures: Int)]] = [:]
        let rows = try tx.query(
            """
            SELECT connection_id, floor(extract(epoch FROM minute - $3::timestamptz) / $5)::int AS bucket, sum(calls)::int AS calls, sum(failures)::int AS failures
            FROM vendor_call_minutes
            WHERE tenant_id = $1 AND connection_id = ANY($2::uuid[]) AND minute >= $3 AND minute < $4
            GROUP BY 1, 2
            """, [tenantId, SQLArray(connectionIds.map { $0.lowercasedText }), from, to, bucketSeconds])
        for row in rows {
            series[try row.uuid("connection_id"), default: [:]][try row.int("bucket")] = (try row.int("calls"), try row.int("failures"))
        }
        return series
    }

    public struct LastCalls: Sendable {
        public let lastSuccessAt: Date?
        public let lastFailureAt: Date?
        public let lastError: String?
    }

    public static func lastCalls(_ tx: Transaction, tenantId: UUID) throws -> [UUID: LastCalls] {
        var found: [UUID: LastCalls] = [:]
        for row in try tx.query(
            "SELECT connection_id, last_success_at, last_failure_at, last_error FROM connection_call_status WHERE tenant_id = $1", [tenantId])
        {
            found[try row.uuid("connection_id")] = LastCalls(
                lastSuccessAt: try row.optionalDate("last_success_at"), lastFailureAt: try row.optionalDate("last_failure_at"),
                lastError: row.optionalString("last_error"))
        }
        return found
    }
}
