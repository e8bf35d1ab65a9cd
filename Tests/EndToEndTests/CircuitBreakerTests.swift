import Foundation
import Testing
import ClearlineTesting
import Engine
import Sandbox

/// Zoho stops accepting the connection's tokens (revoked in Zoho): after three refusals in a
/// row the breaker opens, the remaining steps go to the dead letters without calling Zoho, one
/// alert is raised; reconnecting closes it, and the replayed dead letters complete.
@Suite("Circuit breaker on repeated authentication failures", .requiresDatabase)
struct CircuitBreakerTests {
    @Test func revokedTokensStopTheFlowUntilReconnected() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        _ = try await VendorFixtures.connectedZoho(tenant, sandbox: sandbox)
        try await FlowFixtures.deployTemplate(tenant)
        let hook = try await Hooks.endpoint(tenant, source: "paytrace")
        sandbox.zohoAccounts.expireAccessTokens()
        sandbox.zohoAccounts.revokeAllRefreshTokens()
        for index in 0..<6 {
            let sale =
                #"{"transaction": {"transaction_id": \#(880_000 + index), "transaction_type": "SALE", "amount": "12.00", "status": "SETTLED", "#
                + #""created_at": "11/21/2026 4:06:30 PM", "customer_id": "brk-\#(index)", "invoice_id": "BRK-\#(index)", "billing_address": {"name": "Breaker \#(index)"}}}"#
            #expect(try await Hooks.deliver(hook, sale, eventId: "brk-\(index)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"]).status == 202)
        }
        // One worker, so the refusals come one after another as they would over time.
        let pool = WorkerPool(
            database: TestServer.shared.database, vault: TestServer.shared.vault,
            configuration: .init(workers: 1, leaseSeconds: 30, pollInterval: 0.05, backoff: Backoff(base: 0.01, cap: 0.05), tenants: .only(tenantId)),
            logger: TestServer.quietLogger)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func dead() async throws -> [String] {
            try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/dead-letters?limit=100").items.compactMap { $0["last_error"] as? String }
        }
        #expect(try await Wait.until(60) { try await dead().count == 6 })
        let reasons = try await dead()
        #expect(reasons.filter { $0.contains("invalid_code") && !$0.contains("Stopped") }.count == 3, "\(reasons)")
        #expect(reasons.filter { $0.hasPrefix("Stopped without calling") }.count == 3, "\(reasons)")
        let alerts = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/alerts?open=true").items.filter {
            $0["kind"] as? String == "circuit_open"
        }
        #expect(alerts.count == 1)

        // Reconnected (a new refresh token): the breaker closes, and the dead letters replay to completion.
        let (_, refresh) = try TestSandbox.selfClientSession(sandbox, cacheKey: "breaker-\(tenant)")
        let connection = try #require(try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/connections").items.first?["id"] as? String)
        #expect(
            try await Client.send("PATCH", "/v1/tenants/\(tenant)/environments/dev/connections/\(connection)", json: ["secrets": ["refresh_token": refresh]])
                .status == 200)
        #expect(try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/dead-letters/replay", json: [:]).status == 202)
        let finished = try await Wait.until(60) {
            try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
                try tx.one("SELECT count(*) AS n FROM runs WHERE tenant_id = $1 AND status = 'succeeded'", [tenantId])!.int("n") == 6
            }
        }
        #expect(finished)
    }
}
