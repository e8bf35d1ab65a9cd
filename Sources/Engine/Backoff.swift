public import Foundation
import Domain

/// Exponential backoff with jitter: attempt n waits base·2^(n-1), capped, times a random factor
/// in [0.5, 1) so retries of many jobs that failed together spread out. A vendor's own wait
/// (429 Retry-After) is honoured as the minimum.
public struct Backoff: Sendable {
    public let base: TimeInterval
    public let cap: TimeInterval

    public init(base: TimeInterval = 2, cap: TimeInterval = 3600) {
        self.base = base
        self.cap = cap
    }

    public func delay(afterAttempt attempt: Int, atLeast minimum: TimeInterval = 0) -> TimeInterval {
        let exponential = min(cap, base * pow(2, Double(max(0, attempt - 1))))
        let jittered = exponential * Double.random(in: 0.5..<1)
        return max(minimum, jittered)
    }
}
