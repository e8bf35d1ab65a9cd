public import Connectors
public import Persistence

/// Zoho Books and Inventory report their quota on every answer (`X-Rate-Limit-Remaining` and
/// `-Reset`). When fewer calls are left than one flow step makes (a search and a write), the
/// organization's bucket is held empty until Zoho's reset, so every worker of every process
/// waits there instead of meeting Zoho's 429s one after another.
public enum ZohoQuotaKeeper {
    public static let callsPerStep = 2

    public static func keeper(_ database: Database, bucket: String, limit: RateLimits.Limit) -> @Sendable (ZohoSession.Quota) -> Void {
        { quota in
            guard quota.remaining < callsPerStep else { return }
            // A failed hold only loses the early wait: Zoho's 429 still stops the next call.
            try? RateLimits.hold(database, bucket: bucket, seconds: max(1, quota.resetSeconds), limit: limit)
        }
    }
}
