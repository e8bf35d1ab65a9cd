import Foundation
import Testing
import ClearlineTesting
import Domain
import Persistence
import Sandbox

/// The dashboard's figures against events, runs, jobs and vendor calls written with known times,
/// and the demo's "Send a test sale" moving them through the real flow and the sandbox.
@Suite("Dashboard figures", .requiresDatabase)
struct DashboardTests {
    /// Four events two hours ago, and a run of each: two succeeded (1 s and 3 s after their events),
    /// one failed, one held for review; a dead letter; a queued job; vendor calls counted for a
    /// connection in the same hour.
    @Test func figuresAddUpForAKnownSetOfEventsAndRuns() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let flow = try await FlowFixtures.flow(tenant)
        #expect(try await FlowFixtures.publish(tenant, flow).status == 201)
        let payTrace = try await VendorFixtures.payTrace(tenant)
        let window = try #require(DashboardWindow(range: "24h"))
        let received = window.to.addingTimeInterval(-3 * 3_600 + 600)  // inside the third bucket from the end
        let expectedBucket = window.bucketCount - 3
        try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            var events: [UUID] = []
            for n in 0..<4 {
                let row = try tx.one(
                    """
                    INSERT INTO events (tenant_id, environment, source, vendor_event_id, type, payload, status, received_at)
                    VALUES ($1, 'dev', 'paytrace', $2, 'paytrace.transaction.sale', '{}', 'completed', $3) RETURNING id
                    """, [tenantId, "known-\(n)", received])
                events.append(try row!.uuid("id"))
            }
            // An event in qa: never counted in dev's figures.
            try tx.query(
                "INSERT INTO events (tenant_id, environment, source, vendor_event_id, type, payload, received_at) VALUES ($1, 'qa', 'x', 'qa-1', 't', '{}', $2)",
                [tenantId, received])
            for (event, status, seconds) in [
                (events[0], "succeeded", 1.0), (events[1], "succeeded", 3.0), (events[2], "failed", 2.0), (events[3], "review", 5.0),
            ] {
                try tx.query(
                    """
                    INSERT INTO runs (tenant_id, environment, event_id, flow_id, version, status, created_at, updated_at)
                    VALUES ($1, 'dev', $2, $3, 1, $4, $5, $6)
                    """, [tenantId, event, UUID(uuidString: flow)!, status, received, received.addingTimeInterval(seconds)])
            }
            try tx.query(
                """
                INSERT INTO job_history (id, run_id, tenant_id, environment, kind, payload, state, attempts, last_error, created_at)
                VALUES (-floor(random() * 1e12)::bigint, gen_random_uuid(), $1, 'dev', 'flow.step', '{}', 'dead', 8, 'gave up', $2)
                """, [tenantId, received])
            try tx.query(
                "INSERT INTO jobs (tenant_id, environment, kind, payload, run_at) VALUES ($1, 'dev', 'probe', '{}', now() - interval '90 seconds')", [tenantId])
        }
        let ledger = ConnectionCallLedger()
        let connectionId = try #require(UUID(uuidString: payTrace))
        for n in 0..<10 {
            ledger.record(
                tenantId: tenantId, connectionId: connectionId, at: received.addingTimeInterval(Double(n)), failed: n < 2, error: n < 2 ? "HTTP 500" : nil)
        }
        try VendorCallStore.flush(TestServer.shared.database, ledger: ledger)

        let reply = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/dashboard?range=24h")
        try #require(reply.status == 200, "\(reply.text)")
        let json = reply.json
        let buckets = try #require(json["buckets"] as? [[String: Any]])
        #expect(buckets.count == 24 && json["bucket_seconds"] as? Int == 3_600)
        #expect(buckets[expectedBucket]["events"] as? Int == 4, "\(buckets[expectedBucket])")
        let runs = try #require(buckets[expectedBucket]["runs"] as? [String: Int])
        #expect(runs == ["succeeded": 2, "failed": 1, "review": 1, "running": 0])
        #expect(buckets.enumerated().allSatisfy { $0.offset == expectedBucket || $0.element["events"] as? Int == 0 })
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["events"] as? Int == 4)
        #expect(totals["success_rate"] as? Double == 0.5)
        let latency = try #require(json["latency"] as? [String: Int])
        // Over the two succeeded runs, 1 s and 3 s: the median 2 s, the 95th percentile 2.9 s.
        #expect(latency == ["p50_ms": 2_000, "p95_ms": 2_900, "samples": 2])
        #expect(json["dead_letters"] as? Int == 1)
        let queue = try #require(json["queue"] as? [String: Int])
        #expect(queue["queued"] == 1 && queue["running"] == 0 && (queue["oldest_wait_seconds"] ?? 0) >= 90, "\(queue)")
        let connection = try #require((json["connections"] as? [[String: Any]])?.first { $0["id"] as? String == payTrace })
        #expect(connection["calls"] as? Int == 10 && connection["failures"] as? Int == 2 && connection["error_rate"] as? Double == 0.2)
        #expect((connection["series"] as? [[String: Int]])?[expectedBucket] == ["calls": 10, "failures": 2])
        #expect(connection["breaker"] as? String == "closed" && connection["last_error"] as? String == "HTTP 500")
        let checklist = try #require(json["checklist"] as? [String: Bool])
        #expect(checklist == ["connected": true, "deployed": false, "first_run_succeeded": true])

        // Seven days: the same figures in six-hour buckets; a range it does not know is refused.
        let week = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/dashboard?range=7d")
        #expect((week.json["totals"] as? [String: Any])?["events"] as? Int == 4 && (week.json["buckets"] as? [Any])?.count == 28)
        let wrong = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/dashboard?range=1y")
        #expect(wrong.status == 422 && wrong.isProblem, "\(wrong.text)")
        // Minutes past the dashboard's 30 days leave with housekeeping; the recent ones stay.
        let old = ConnectionCallLedger()
        old.record(tenantId: tenantId, connectionId: connectionId, at: Date().addingTimeInterval(-40 * 86_400), failed: false, error: nil)
        try VendorCallStore.flush(TestServer.shared.database, ledger: old)
        func minutes() throws -> Int {
            try TestServer.shared.database.transaction(.tenant(tenantId)) {
                try $0.one("SELECT count(*)::int AS n FROM vendor_call_minutes WHERE tenant_id = $1", [tenantId])!.int("n")
            }
        }
        #expect(try minutes() == 2)
        try TestServer.shared.database.transaction(.platform) { _ = try VendorCallStore.purge($0) }
        #expect(try minutes() == 1)
        // Another tenant's key sees none of it.
        let other = try await Fixtures.tenant()
        let key = try await Fixtures.apiKey(other, role: "viewer")
        let foreign = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/dashboard", auth: .bearer(key.token))
        #expect(foreign.status == 404 || foreign.status == 403, "\(foreign.status)")
    }

    /// "Send a test sale": the sandbox's PayTrace makes it, the deployed flow writes it to the
    /// sandbox's Zoho, and the dashboard's counters and PayTrace's call counts move.
    @Test func aTestSaleRunsThroughTheFlowAndMovesTheDashboard() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        _ = try await VendorFixtures.connectedZoho(tenant)
        try await FlowFixtures.deployTemplate(tenant)
        let payTrace = try await VendorFixtures.payTrace(tenant)
        let dashboard = "/v1/tenants/\(tenant)/environments/dev/dashboard?range=24h"
        let before = try await Client.send("GET", dashboard)
        #expect((before.json["checklist"] as? [String: Bool])?["first_run_succeeded"] == false)

        let sent = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/demo-transactions", json: ["kind": "sale"])
        try #require(sent.status == 201, "\(sent.text)")
        let event = try #require((sent.json["events"] as? [[String: Any]])?.first)
        #expect(event["type"] as? String == "paytrace.transaction.sale")
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        var figures: [String: Any] = [:]
        let moved = try await Wait.until(60) {
            figures = try await Client.send("GET", dashboard).json
            let runs = (figures["totals"] as? [String: Any])?["runs"] as? [String: Int]
            let paytrace = (figures["connections"] as? [[String: Any]])?.first { $0["id"] as? String == payTrace }
            return runs?["succeeded"] == 1 && (paytrace?["calls"] as? Int ?? 0) >= 2
        }
        let runs = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/runs").items.map { "\($0["status"] ?? "") \($0["detail"] ?? "")" }
        #expect(moved, "runs: \(runs); figures: \(figures)")
        #expect((figures["totals"] as? [String: Any])?["events"] as? Int == 1)
        #expect((figures["checklist"] as? [String: Bool]) == ["connected": true, "deployed": true, "first_run_succeeded": true])
        let paytrace = (figures["connections"] as? [[String: Any]])?.first { $0["id"] as? String == payTrace }
        #expect(paytrace?["last_success_at"] is String && paytrace?["status"] as? String != "failing", "\(String(describing: paytrace))")

        // Bad input, and a real PayTrace account: refused, nothing made.
        let unknown = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/demo-transactions", json: ["kind": "chargeback"])
        #expect(unknown.status == 422 && unknown.isProblem)
        let real = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/environments/qa/connections",
            json: ["kind": "paytrace", "name": "PayTrace live", "secrets": ["username": "u", "password": "p", "integrator_id": "i"]])
        try #require(real.status == 201, "\(real.text)")
        let refused = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/qa/demo-transactions", json: ["kind": "sale"])
        #expect(refused.status == 409 && refused.text.contains("not the sandbox"), "\(refused.text)")
    }

    /// A restarted sandbox numbers its transactions from the start again: a test sale that comes
    /// back with an id the environment already holds is refused, not shown with the old runs.
    @Test func aSandboxThatForgotItsTransactionsIsSaidSo() async throws {
        let before = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try before.startAsAllowedVendor()
        defer { before.shutdown() }
        let tenant = try await Fixtures.tenant()
        let payTrace = try await VendorFixtures.payTrace(tenant, sandbox: before)
        let path = "/v1/tenants/\(tenant)/environments/dev/demo-transactions"
        let first = try await Client.send("POST", path, json: ["kind": "sale"])
        try #require(first.status == 201, "\(first.text)")

        let after = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try after.startAsAllowedVendor()
        defer { after.shutdown() }
        let moved = try await Client.send(
            "PATCH", "/v1/tenants/\(tenant)/environments/dev/connections/\(payTrace)", json: ["settings": ["base_url": after.baseURL + "/paytrace"]])
        try #require(moved.status == 200, "\(moved.text)")
        let again = try await Client.send("POST", path, json: ["kind": "sale"])
        #expect(again.status == 409 && again.isProblem && again.text.contains("already holds"), "\(again.text)")
    }
}
