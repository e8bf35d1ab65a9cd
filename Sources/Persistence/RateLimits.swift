public import Foundation

/// Request limits shared by all workers and processes through PostgreSQL token buckets.
public enum RateLimits {
    public struct Limit: Sendable, Equatable {
        public let capacity: Double
        public let perSecond: Double
        public init(perMinute: Int) {
            capacity = Double(perMinute)
            perSecond = Double(perMinute) / 60
        }

        /// `capacity` at once, refilled at `perSecond`.
        public init(capacity: Double, perSecond: Double) {
            self.capacity = capacity
            self.perSecond = perSecond
        }
    }

    /// Takes `cost` requests from `bucket`: nil when allowed now, else how long to wait first.
    public static func take(_ database: Database, bucket: String, cost: Int, limit: Limit) throws -> TimeInterval? {
        // Not waiting for the WAL: a crash can lose only the last instant's takings, and a call
        // or two over a vendor's limit then is answered 429 and waited out like any other. One
        // statement committed with its own round trip: the bucket's row lock was held for a
        // second round trip (the COMMIT), and every worker calling the vendor queued behind it.
        let wait = try database.oneStatement(.platform, durable: false) { tx in
            try tx.one(
                "SELECT clearline_take_tokens($1, $2::float8, $3::float8, $4::float8)::text AS wait",
                [bucket, String(cost), String(limit.capacity), String(limit.perSecond)])?
                .optionalString("wait").flatMap(Double.init) ?? 0
        }
        return wait > 0 ? wait : nil
    }

    /// Takes `cost` requests from `bucket` as `take` does, and up to `ahead` more for this
    /// process's next calls when the bucket is over half full (`TokenReserve`): most calls then
    /// spend from the reserve with no round trip. Nil when allowed now, else how long to wait.
    public static func takeAhead(
        _ database: Database, bucket: String, cost: Int, ahead: Int, limit: Limit, reserve: TokenReserve = .shared
    ) throws -> TimeInterval? {
        if reserve.spend(bucket, Double(cost)) { return nil }
        // Not waiting for the WAL, as `take`.
        let (taken, wait) = try database.oneStatement(.platform, durable: false) { tx in
            let row = try tx.one(
                "SELECT taken::text AS taken, wait::text AS wait FROM clearline_take_tokens_ahead($1, $2::float8, $3::float8, $4::float8, $5::float8)",
                [bucket, String(cost), String(ahead), String(limit.capacity), String(limit.perSecond)])
            return (row?.optionalString("taken").flatMap(Double.init) ?? 0, row?.optionalString("wait").flatMap(Double.init) ?? 0)
        }
        guard taken >= Double(cost) else { return max(wait, 0.05) }
        reserve.keep(bucket, taken - Double(cost))
        return nil
    }

    /// Empties `bucket` for `seconds`: the vendor said its quota is spent until then, so no
    /// worker of any process takes from it before.
    public static func hold(_ database: Database, bucket: String, seconds: TimeInterval, limit: Limit, reserve: TokenReserve = .shared) throws {
        reserve.drop(bucket)
        let debt = -(seconds * limit.perSecond)
        try database.transaction(.platform) { tx in
            try tx.query(
                """
                INSERT INTO rate_buckets (key, tokens, refilled_at) VALUES ($1, $2::float8, clock_timestamp())
                ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, refilled_at = excluded.refilled_at
                """,
                [bucket, String(debt)])
        }
    }

    /// How long until `bucket` holds `cost` again, without taking anything: nil when it does now
    /// (a bucket never taken from is full).
    public static func wait(_ database: Database, bucket: String, cost: Int, limit: Limit) throws -> TimeInterval? {
        let wait = try database.transaction(.platform) { tx in
            try tx.one(
                """
                SELECT CASE WHEN available >= $2::float8 THEN 0 ELSE ($2::float8 - available) / $4::float8 END::text AS wait
                FROM (SELECT least($3::float8, tokens + extract(epoch FROM clock_timestamp() - refilled_at) * $4::float8) AS available
                      FROM rate_buckets WHERE key = $1) AS bucket
                """, [bucket, String(cost), String(limit.capacity), String(limit.perSecond)])?
                .optionalString("wait").flatMap(Double.init) ?? 0
        }
        return wait > 0 ? wait : nil
    }
}
