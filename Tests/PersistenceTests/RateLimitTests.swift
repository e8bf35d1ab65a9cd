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

    /// Ten tokens, refilled at ten a day: nothing refills during a test.
    static let tenTokens = RateLimits.Limit(capacity: 10, perSecond: 10.0 / 86_400)

    /// Two tokens from a ten-token `bucket`, six more ahead into `reserve` when they lie above half.
    static func takeTwo(_ bucket: String, _ reserve: TokenReserve) throws -> TimeInterval? {
        try RateLimits.takeAhead(TestServer.shared.database, bucket: bucket, cost: 2, ahead: 6, limit: tenTokens, reserve: reserve)
    }

    /// Whether a ten-token `bucket` holds `tokens` now.
    static func holds(_ bucket: String, _ tokens: Int) throws -> Bool {
        try RateLimits.wait(TestServer.shared.database, bucket: bucket, cost: tokens, limit: tenTokens) == nil
    }

    /// Tokens taken ahead come only from the bucket's upper half, and the process's next calls
    /// spend them without taking from the bucket.
    @Test func takingAheadTakesFromTheUpperHalfOnlyAndSpendsLocally() throws {
        let bucket = "test:\(UUID().uuidString)"
        let reserve = TokenReserve(lifetime: .seconds(600))
        #expect(try Self.takeTwo(bucket, reserve) == nil)
        // 2 for the call, and 3 ahead: what lay above half of 10 after it.
        #expect(try Self.holds(bucket, 5))
        #expect(try !Self.holds(bucket, 6))
        // Spent from the reserve: the bucket keeps its 5.
        #expect(try Self.takeTwo(bucket, reserve) == nil)
        #expect(try Self.holds(bucket, 5))
        // 1 left in the reserve: the bucket pays, with nothing ahead below half.
        #expect(try Self.takeTwo(bucket, reserve) == nil)
        #expect(try Self.holds(bucket, 3))
        #expect(try !Self.holds(bucket, 4))
    }

    /// Processes each taking ahead for themselves never get more calls than the bucket holds, and
    /// the bucket's lower half is given out call by call whatever they hold.
    @Test func processesTakingAheadTogetherStayWithinTheCapacity() throws {
        let bucket = "test:\(UUID().uuidString)"
        let limit = RateLimits.Limit(capacity: 20, perSecond: 20.0 / 86_400)
        let allowed = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let reserve = TokenReserve(lifetime: .seconds(600))
            for _ in 0..<6
            where (try? RateLimits.takeAhead(TestServer.shared.database, bucket: bucket, cost: 1, ahead: 3, limit: limit, reserve: reserve)) == .some(nil) {
                allowed.withLock { $0 += 1 }
            }
        }
        let calls = allowed.withLock { $0 }
        #expect(calls <= 20 && calls >= 10, "\(calls) calls")
        #expect(try RateLimits.wait(TestServer.shared.database, bucket: bucket, cost: 1, limit: limit) != nil)
    }

    /// A reserve held past its lifetime is not spent: the bucket pays again.
    @Test func aReserveHeldTooLongIsNotSpent() throws {
        let bucket = "test:\(UUID().uuidString)"
        let reserve = TokenReserve(lifetime: .milliseconds(50))
        #expect(try Self.takeTwo(bucket, reserve) == nil)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(try Self.takeTwo(bucket, reserve) == nil)
        // 10 - 5 (the first take) - 2 (the second, nothing ahead below half).
        #expect(try Self.holds(bucket, 3))
        #expect(try !Self.holds(bucket, 4))
    }

    /// A hold (the vendor said its quota is spent) drops the reserve too.
    @Test func aHoldDropsTheReserve() throws {
        let database = TestServer.shared.database
        let bucket = "test:\(UUID().uuidString)"
        let limit = RateLimits.Limit(perMinute: 60)
        let reserve = TokenReserve(lifetime: .seconds(600))
        #expect(try RateLimits.takeAhead(database, bucket: bucket, cost: 2, ahead: 6, limit: limit, reserve: reserve) == nil)
        try RateLimits.hold(database, bucket: bucket, seconds: 30, limit: limit, reserve: reserve)
        let wait = try #require(try RateLimits.takeAhead(database, bucket: bucket, cost: 2, ahead: 6, limit: limit, reserve: reserve))
        #expect(wait > 30 && wait <= 32, "\(wait)")
    }
}
