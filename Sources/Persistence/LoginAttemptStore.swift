import Foundation
public import Domain

/// Login attempts in PostgreSQL, so the limits hold across every Clearline process. An attempt
/// is reserved (and counted as a failure) before its password is hashed, under a lock on its
/// account-and-address and its address, so forty at once are forty in a queue, not forty hashes.
/// Past the limits an attempt waits, longer each time (a fifteenth of the window, then twice
/// that, and so on up to the window: 1, 2, 4, 8 minutes, then 15): an attacker is slowed, while
/// the real user, from another address, is not locked out by them.
public enum LoginAttemptStore {
    public static func reserve(_ tx: Transaction, email: String, client: String, limits: LoginLimits) throws -> LoginReservation {
        // Always in this order, so two attempts never hold one lock each waiting for the other.
        try tx.query("SELECT pg_advisory_xact_lock(hashtextextended('login:' || $1 || ' ' || $2, 0))", [email, client])
        try tx.query("SELECT pg_advisory_xact_lock(hashtextextended('login-client:' || $1, 0))", [client])
        let wait =
            try tx.one(
                """
                WITH failures AS (
                  SELECT count(*) FILTER (WHERE email = $1) AS pair, max(at) FILTER (WHERE email = $1) AS pair_last,
                         count(*) AS by_client, max(at) AS client_last
                  FROM login_attempts WHERE NOT success AND client = $2 AND at > clock_timestamp() - make_interval(secs => $3)
                )
                SELECT greatest(
                  CASE WHEN pair >= $4 THEN extract(epoch FROM pair_last + make_interval(secs => least($3, $3 / 15.0 * power(2, pair - $4))) - clock_timestamp()) END,
                  CASE WHEN by_client >= $5
                    THEN extract(epoch FROM client_last + make_interval(secs => least($3, $3 / 15.0 * power(2, by_client - $5))) - clock_timestamp()) END,
                  0)::float8::text AS wait
                FROM failures
                """, [email, client, Int(limits.window), limits.maxFailuresPerEmail, limits.maxFailuresPerClient]
            )?.optionalString("wait").flatMap(Double.init) ?? 0
        if wait > 0 { return .wait(seconds: max(1, Int(wait.rounded(.up)))) }
        guard let row = try tx.one("INSERT INTO login_attempts (email, client, success) VALUES ($1, $2, false) RETURNING id", [email, client]) else {
            throw DomainError.conflict("a login attempt could not be reserved")
        }
        try tx.query("DELETE FROM login_attempts WHERE at < now() - interval '1 day'")
        return .reserved(try row.int64("id"))
    }

    public static func succeeded(_ tx: Transaction, attempt: Int64, email: String) throws {
        try tx.query("UPDATE login_attempts SET success = true WHERE id = $1", [attempt])
        try tx.query("DELETE FROM login_attempts WHERE email = $1 AND NOT success", [email])
    }
}
