import Foundation
import HTTPServer
import Synchronization

/// Zoho Books' and Inventory's request limits for the sandbox organization (reference section
/// 2.3): every answer carries `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` (seconds), and a
/// call over a limit is HTTP 429. The reference finds the headers' values to be the daily quota,
/// so they report it; the per-minute limit (100 on the real service) is enforced only when set,
/// since Zoho documents no header for it. Both are settings: real plans allow 1,000 to 10,000
/// calls a day, and the sandbox's default is larger so that a demo or a benchmark never stalls.
public final class ZohoRateLimit: Sendable {
    public struct Settings: Sendable, Equatable {
        public var dailyQuota: Int
        public var perMinute: Int?
        public init(dailyQuota: Int = 1_000_000, perMinute: Int? = nil) {
            self.dailyQuota = dailyQuota
            self.perMinute = perMinute
        }
    }

    private struct Usage {
        var settings: Settings
        var day = 0
        var usedToday = 0
        var minute = 0
        var usedThisMinute = 0
    }

    private let usage: Mutex<Usage>

    public init(_ settings: Settings = Settings()) {
        usage = Mutex(Usage(settings: settings))
    }

    /// New limits, and a fresh count (as on a new day).
    public func configure(_ settings: Settings) {
        usage.withLock { $0 = Usage(settings: settings) }
    }

    public var settings: Settings { usage.withLock { $0.settings } }

    /// Counts one call: nil when it may go ahead (with the headers to send), else the 429.
    func take(now: Date = Date()) -> (headers: [(name: String, value: String)], refusal: Response?) {
        let seconds = Int(now.timeIntervalSince1970)
        return usage.withLock { usage in
            let day = seconds / 86_400, minute = seconds / 60
            if usage.day != day { (usage.day, usage.usedToday) = (day, 0) }
            if usage.minute != minute { (usage.minute, usage.usedThisMinute) = (minute, 0) }
            let untilTomorrow = (day + 1) * 86_400 - seconds
            func headers(remaining: Int, reset: Int) -> [(name: String, value: String)] {
                [
                    ("X-Rate-Limit-Limit", String(usage.settings.dailyQuota)), ("X-Rate-Limit-Remaining", String(max(0, remaining))),
                    ("X-Rate-Limit-Reset", String(reset)),
                ]
            }
            if usage.usedToday >= usage.settings.dailyQuota {
                let refused = headers(remaining: 0, reset: untilTomorrow)
                return (
                    refused,
                    SandboxResponses.json(
                        429, ["code": 45, "message": "You have reached the maximum number of API calls allowed for the day."], headers: refused)
                )
            }
            if let perMinute = usage.settings.perMinute, usage.usedThisMinute >= perMinute {
                let refused = headers(remaining: usage.settings.dailyQuota - usage.usedToday, reset: (minute + 1) * 60 - seconds)
                return (
                    refused,
                    SandboxResponses.json(
                        429, ["code": 44, "message": "You have exceeded the maximum number of API calls allowed per minute. Please try again later."],
                        headers: refused + [("Retry-After", String((minute + 1) * 60 - seconds))])
                )
            }
            usage.usedToday += 1
            usage.usedThisMinute += 1
            return (headers(remaining: usage.settings.dailyQuota - usage.usedToday, reset: untilTomorrow), nil)
        }
    }
}
