public import Foundation
public import Domain

/// Stored outcomes of creating POSTs that carried an `Idempotency-Key`.
public enum IdempotencyStore {
    public static let retention: TimeInterval = 24 * 3600
    /// Requests finish in seconds (pool and statement limits); a claim older than this was abandoned.
    public static let abandonedAfter: TimeInterval = 60

    public static func claim(_ tx: Transaction, principal: String, key: String, tenantId: UUID?, method: String, path: String, requestHash: String) throws
        -> IdempotencyClaim
    {
        // An expired record, or a claim whose request never finished (its process died), frees the key.
        try tx.query(
            """
            DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2
              AND (created_at < now() - make_interval(secs => $3) OR (status IS NULL AND created_at < now() - make_interval(secs => $4)))
            """, [principal, key, Int(retention), Int(abandonedAfter)])
        // Keep the table small: each claim also clears a few expired records of its own scope.
        try tx.query(
            """
            DELETE FROM idempotency_keys WHERE ctid IN (
              SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1) LIMIT 100)
            """, [Int(retention)])
        let inserted = try tx.query(
            """
            INSERT INTO idempotency_keys (principal, key, tenant_id, method, path, request_hash)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING key
            """, [principal, key, tenantId, method, path, requestHash])
        if !inserted.isEmpty { return .claimed }
        guard
            let row = try tx.one(
                "SELECT method, path, request_hash, status, response, location FROM idempotency_keys WHERE principal = $1 AND key = $2",
                [principal, key])
        else { return .inProgress }
        guard try row.string("method") == method, try row.string("path") == path, try row.string("request_hash") == requestHash else {
            return .mismatch
        }
        guard let status = row.optionalString("status").flatMap(Int.init), let body = row.optionalString("response") else {
            return .inProgress
        }
        return .replay(status: status, body: body, location: row.optionalString("location"))
    }

    public static func complete(_ tx: Transaction, principal: String, key: String, status: Int, body: String, location: String?) throws {
        try tx.query(
            "UPDATE idempotency_keys SET status = $3, response = $4, location = $5 WHERE principal = $1 AND key = $2",
            [principal, key, status, body, location])
    }

    /// Forgets a claim whose request failed on the server's side, so the client may retry with the same key.
    public static func abandon(_ tx: Transaction, principal: String, key: String) throws {
        try tx.query("DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2", [principal, key])
    }
}
