import Foundation
public import Domain

/// Login attempts in PostgreSQL, so the limit holds across every Clearline process.
public enum LoginAttemptStore {
    /// Seconds until the next attempt is allowed, or nil when one is allowed now.
    public static func retryAfter(_ tx: Transaction, email: String, client: String, limits: LoginLimits) throws -> Int? {
        guard
            let row = try tx.one(
                """
                SELECT
                  count(*) FILTER (WHERE email = $1) AS by_email,
                  count(*) FILTER (WHERE client = $2) AS by_client,
                  extract(epoch FROM (min(at) + make_interval(secs => $3)) - now())::bigint AS wait
                FROM login_attempts
                WHERE NOT success AND at > now() - make_interval(secs => $3) AND (email = $1 OR client = $2)
                """, [email, client, Int(limits.window)])
        else { return nil }
        let byEmail = try row.int("by_email"), byClient = try row.int("by_client")
        guard byEmail >= limits.maxFailuresPerEmail || byClient >= limits.maxFailuresPerClient else { return nil }
        return max(1, Int(row.optionalString("wait") ?? "") ?? Int(limits.window))
    }

    public static func record(_ tx: Transaction, email: String, client: String, success: Bool) throws {
        try tx.query("INSERT INTO login_attempts (email, client, success) VALUES ($1, $2, $3)", [email, client, success])
        if success {
            // A successful login clears the e-mail's failures, so a typo earlier does not lock a user out later.
            try tx.query("DELETE FROM login_attempts WHERE email = $1 AND NOT success", [email])
        }
        try tx.query("DELETE FROM login_attempts WHERE at < now() - interval '1 day'")
    }
}
