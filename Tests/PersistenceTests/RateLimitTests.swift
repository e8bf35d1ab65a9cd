import Foundation
import Synchronization
import Testing
import ClearlineTesting
import Persistence

/// Vendor request limits shared through PostgreSQL: every worker of every process draws from the
/// same bucket, so together they never exceed it.
@Suite("Rate limits shared by all workers", .requiresDatabase)
struct RateLimitTests {
    @Test func aBucketAllowsItsCapacityThenSaysHowLongToWait() throws {
        let bucket = "test:\(UUID().uuidString)"
        let limit = RateLimits.Limit(perMinute: 5)
        for _ in 0..<5 { #expect(try RateLimits.take(TestServer.shared.database, bucket: bucket, cost: 1, limit: limit) == nil) }
        let wait = try #require(try RateLimits.take(TestServer.shared.database, bucket: bucket, cost: 1, limit: limit))
        // One request's worth refills in 60 / 5 = 12 s.
        #expect(wait > 11 && wait <= 12, "\(wait)")
    }

    @Test func concurrentTakersTogetherGetExactlyTheCapacity() throws {
        let bucket = "test:\(UUID().uuidString)"
        let limit = RateLimits.Limit(perMinute: 10)
        let allowed = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<3 where (try? RateLimits.take(TestServer.shared.database, bucket: bucket, cost: 1, limit: limit)) == .some(nil) {
                allowed.withLock { $0 += 1 }
            }
        }
        #expect(allowed.withLock { $0 } == 10)
    }

    /// Many takers racing for a new bucket's last tokens: none gets through without a token,
    /// whichever of them waits on another's update (migration 0046).
    @Test func takersRacingForTheLastTokensNeverGetOneFree() throws {
        let limit = RateLimits.Limit(capacity: 10, perSecond: 10.0 / 86_400)
        for _ in 0..<6 {
            let bucket = "test:\(UUID().uuidString)"
            let allowed = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: 16) { _ in
                for _ in 0..<3 where (try? RateLimits.take(TestServer.shared.database, bucket: bucket, cost: 1, limit: limit)) == .some(nil) {
                    allowed.withLock { $0 += 1 }
                }
            }
            #expect(allowed.withLock { $0 } == 10, "bucket \(bucket)")
        }
    }
}
