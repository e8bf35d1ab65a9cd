import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import ClearlineTesting
import Connectors
import Engine
import Persistence
import Sandbox

/// The daily reconciliation: a PayTrace connection with a local hour gets, once that hour has
/// come, one backfill of yesterday and today that keeps the batches and reconciles them, and no
/// second one that day however often the housekeeping looks.
@Suite("The daily reconciliation", .requiresDatabase)
struct ReconciliationScheduleTests {
    @Test func aConnectionsHourQueuesOneRunADayThatReconcilesItsBatches() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let tenantText = try await Fixtures.tenant()
        let tenant = try #require(UUID(uuidString: tenantText))
        let base = "/v1/tenants/\(tenantText)/environments/dev"
        let bad = try await Client.send(
            "POST", base + "/connections",
            json: ["kind": "paytrace", "name": "x", "settings": ["reconcile_at": "25:00", "time_zone": "Mars/Olympus"]])
        #expect(bad.status == 422 && bad.text.contains("settings.reconcile_at") && bad.text.contains("settings.time_zone"))
        _ = try await VendorFixtures.connectedZoho(tenantText, sandbox: sandbox)
        // Two days of batches, yesterday's and today's, in the sandbox.
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd"
        var month = URLRequest(url: URL(string: sandbox.baseURL + "/_sandbox/paytrace/month")!)
        month.httpMethod = "POST"
        month.setValue("application/json", forHTTPHeaderField: "Content-Type")
        month.httpBody = try JSONSerialization.data(withJSONObject: [
            "seed": 3, "start": format.string(from: Date().addingTimeInterval(-86_400)), "days": 2, "sales_per_day": 5,
        ])
        _ = try HTTPTransport(timeout: 30).send(month, vendor: "sandbox")
        // Midnight has always passed: the run is due at once, in UTC.
        _ = try await VendorFixtures.payTrace(tenantText, sandbox: sandbox, settings: ["reconcile_at": "00:00", "time_zone": "UTC"])

        let housekeeping = TestWorkers.housekeeping(tenant: tenant)
        #expect(try housekeeping.runOnce().reconciliationsScheduled == 1)
        #expect(try housekeeping.runOnce().reconciliationsScheduled == 0, "once a day")
        let pool = TestWorkers.pool(tenant: tenant)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        #expect(
            try await Wait.until(30) {
                let reconciliations = (try await Client.send("GET", base + "/reconciliations")).items
                return (try await Client.send("GET", base + "/settlements")).items.count == 2 && reconciliations.count == 2
                    && reconciliations.allSatisfy { $0["status"] as? String != "running" }
            })
    }
}
