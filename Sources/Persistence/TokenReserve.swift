import Foundation
import Domain

/// Tokens this process took ahead from shared buckets (`RateLimits.takeAhead`), spent by its next
/// calls without a round trip. A reserve is spent within `lifetime` of being taken or not at all:
/// tokens held longer would let calls through later than the bucket allowed them, and tokens left
/// unspent only go back to nobody, which errs on the side of fewer calls.
public final class TokenReserve: Sendable {
    /// The process's reserve, which every worker draws from.
    public static let shared = TokenReserve()

    private struct Held {
        var tokens: Double
        let takenAt: ContinuousClock.Instant
    }

    let lifetime: Duration
    private let held = BlockingLock<[String: Held]>([:])

    public init(lifetime: Duration = .seconds(1)) { self.lifetime = lifetime }

    /// Spends `cost` of `bucket`'s reserve: false, and nothing spent, when it holds less, or held
    /// it too long.
    func spend(_ bucket: String, _ cost: Double) -> Bool {
        held.withLock { held in
            guard let reserve = held[bucket] else { return false }
            guard ContinuousClock.now - reserve.takenAt < lifetime else {
                held[bucket] = nil
                return false
            }
            guard reserve.tokens >= cost else { return false }
            held[bucket]?.tokens -= cost
            return true
        }
    }

    /// Keeps `tokens` taken just now. Added to a reserve still held, they expire with it: a
    /// reserve never lives past its first tokens' lifetime.
    func keep(_ bucket: String, _ tokens: Double) {
        guard tokens > 0 else { return }
        held.withLock { held in
            let now = ContinuousClock.now
            if let reserve = held[bucket], now - reserve.takenAt < lifetime {
                held[bucket]?.tokens = reserve.tokens + tokens
                return
            }
            // Stale reserves of buckets no longer called go when the map grows: one per tenant's
            // organization, so few.
            if held.count >= 1_000 { held = held.filter { now - $0.value.takenAt < lifetime } }
            held[bucket] = Held(tokens: tokens, takenAt: now)
        }
    }

    /// Forgets `bucket`'s reserve: the vendor said the quota is spent.
    func drop(_ bucket: String) { held.withLock { $0[bucket] = nil } }
}
