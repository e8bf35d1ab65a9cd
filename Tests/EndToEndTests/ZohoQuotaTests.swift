import Foundation
import Testing
import ClearlineTesting
import Connectors
import Engine
import Persistence
import Sandbox
import Synchronization

/// Zoho's `X-Rate-Limit-*` headers, read and honoured: when the organization's quota is all but
/// spent, the shared limiter holds every worker until Zoho's reset, and a 429 says how long.
@Suite("Zoho's quota headers drive the limiter", .requiresDatabase)
struct ZohoQuotaTests {
    @Test func aSpentQuotaHoldsTheLimiterUntilZohosReset() throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        sandbox.zohoLimits.configure(.init(dailyQuota: 3))
        let bucket = "zoho:quota-\(UUID().uuidString)"
        let limit = RateLimits.Limit(perMinute: 100)
        let readings = Mutex<[ZohoSession.Quota]>([])
        let keeper = ZohoQuotaKeeper.keeper(TestServer.shared.database, bucket: bucket, limit: limit)
        let (session, _) = try TestSandbox.selfClientSession(sandbox, cacheKey: bucket) { quota in
            readings.withLock { $0.append(quota) }
            keeper(quota)
        }
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        _ = try books.organizations()
        #expect(readings.withLock { $0.last }?.limit == 3 && readings.withLock { $0.last }?.remaining == 2)
        #expect(try RateLimits.take(TestServer.shared.database, bucket: bucket, cost: 0, limit: limit) == nil, "two calls left: no hold yet")
        _ = try books.organizations()
        let reading = try #require(readings.withLock { $0.last })
        #expect(reading.remaining == 1 && reading.resetSeconds > 0)
        // One call left is less than a step needs: the bucket waits for Zoho's reset.
        let wait = try #require(try RateLimits.take(TestServer.shared.database, bucket: bucket, cost: ZohoQuotaKeeper.callsPerStep, limit: limit))
        #expect(abs(wait - reading.resetSeconds) < 5, "waits \(wait) s for a reset in \(reading.resetSeconds) s")
        _ = try books.organizations()
        // Over the quota, Zoho's 429 carries no Retry-After; the reset header says how long.
        let refused = #expect(throws: ConnectorError.self) { try books.organizations() }
        guard case .rateLimited(let retryAfter)? = refused?.kind else {
            Issue.record("not rate limited: \(String(describing: refused))")
            return
        }
        #expect(abs(retryAfter - reading.resetSeconds) < 5)
    }
}
