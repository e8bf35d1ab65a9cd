import Foundation
import Testing
import ClearlineTesting
import Connectors
import Engine
import Persistence
import Sandbox

/// The PayTrace poller against its own sandbox: transactions and settled batches become events
/// once each, across overlapping polls and a restart, and a PayTrace outage only delays them.
@Suite("PayTrace poller", .requiresDatabase)
struct PayTracePollTests {
    @Test func transactionsAndSettledBatchesBecomeEventsOnceEachAndOutagesBackOff() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let tenantText = try await Fixtures.tenant()
        let tenant = try #require(UUID(uuidString: tenantText))
        let account = SandboxServer.demoPayTraceAccount
        let created = try await Client.send(
            "POST", "/v1/tenants/\(tenantText)/environments/dev/connections",
            json: [
                "kind": "paytrace", "name": "Polled PayTrace",
                "settings": ["base_url": sandbox.baseURL + "/paytrace", "poll": true, "poll_interval_seconds": "1"],
                "secrets": ["username": account.username, "password": account.password, "integrator_id": account.integratorId],
            ])
        try #require(created.status == 201, "\(created.text)")
        #expect(
            try await Client.send(
                "POST", "/v1/tenants/\(tenantText)/environments/dev/connections",
                json: ["kind": "paytrace", "name": "x", "settings": ["poll_interval_seconds": "0"]]
            ).status == 422)
        let client = PayTraceClient(
            baseURL: URL(string: sandbox.baseURL + "/paytrace")!,
            credentials: .init(username: account.username, password: account.password, integratorId: account.integratorId),
            cacheKey: "poll-test", tokens: TokenCache())
        func sale(_ amount: String) throws -> Int {
            try #require(
                try client.call(
                    "v1/transactions/sale/keyed",
                    [
                        "amount": amount,
                        "credit_card": [
                            "number": "4012000098765439", "expiration_month": 12, "expiration_year": 2031,
                        ],
                    ]
                ).transactionId)
        }
        let sales = [try sale("10.00"), try sale("20.00")]
        func events() throws -> [String] {
            try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
                try tx.query("SELECT vendor_event_id FROM events WHERE tenant_id = $1 AND source = 'paytrace'", [tenant]).map {
                    try $0.string("vendor_event_id")
                }
            }
        }
        // The connection's first poll is the housekeeping's to schedule; each poll queues the next.
        let housekeeping = TestWorkers.housekeeping(tenant: tenant)
        housekeeping.start()
        defer { housekeeping.shutdown() }
        var pool = TestWorkers.pool(tenant: tenant)
        pool.start()
        #expect(try await Wait.until(20) { Set(try events()).isSuperset(of: sales.map { "txn:\($0):SALE" }) })
        let settled = try #require(try client.call("v1/transactions/settle", [:]).object["batch_number"] as? Int)
        // A PayTrace outage: the next polls fail and back off; the batch arrives after.
        sandbox.faults.inject(.status(503, retryAfter: nil), service: "paytrace", count: 2)
        #expect(try await Wait.until(30) { try events().contains("batch:\(settled)") })
        pool.shutdown(grace: 5)
        // A restart, more polls over the same (overlapping) window: nothing twice.
        pool = TestWorkers.pool(tenant: tenant)
        pool.start()
        let third = try sale("30.00")
        #expect(try await Wait.until(20) { try events().contains("txn:\(third):SALE") })
        // Voided after it was polled: the next poll brings the void as an event of its own.
        _ = try client.call("v1/transactions/void", ["transaction_id": third])
        #expect(try await Wait.until(20) { try events().contains("txn:\(third):void") })
        pool.shutdown(grace: 5)
        let all = try events()
        #expect(all.count == Set(all).count, "no transaction or batch stored twice")
        #expect(all.filter { $0.hasPrefix("txn:") }.count == 4)
        let failed = try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
            try tx.one(
                """
                SELECT count(*) AS n FROM job_attempts a JOIN job_history h ON h.id = a.job_id
                WHERE a.tenant_id = $1 AND h.kind = 'paytrace.poll' AND a.outcome = 'failed'
                """, [tenant])!.int("n")
        }
        #expect(failed >= 1, "the outage showed as failed poll attempts")
        let summary = try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
            try tx.one(
                """
                SELECT a.summary::text AS s FROM job_attempts a JOIN job_history h ON h.id = a.job_id
                WHERE a.tenant_id = $1 AND h.kind = 'paytrace.poll' AND a.outcome = 'succeeded' ORDER BY a.started_at DESC LIMIT 1
                """, [tenant])?.optionalString("s")
        }
        #expect(summary?.contains("transaction(s)") == true, "a poll's attempt says what it asked and got: \(summary ?? "nil")")
        #expect(summary?.contains(account.password) == false)
        let cursor = try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
            try PollCursorStore.cursor(tx, tenantId: tenant, connectionId: UUID(uuidString: try #require(created["id"]))!)
        }
        #expect(cursor?.lastBatchNumber == settled)
        #expect(cursor.map { Date().timeIntervalSince($0.polledUntil) < 60 } == true)
        // Polling off: no more polls are scheduled for it.
        let id = try #require(created["id"])
        _ = try await Client.send("PATCH", "/v1/tenants/\(tenantText)/environments/dev/connections/\(id)", json: ["settings": ["poll": false]])
        try TestServer.shared.database.transaction(.tenant(tenant)) { try $0.query("DELETE FROM jobs WHERE tenant_id = $1", [tenant]) }
    }
}
