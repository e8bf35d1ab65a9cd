import Foundation
import Testing
import ClearlineTesting
import Persistence

/// The runs list: each run with its flow's name and what its event was about, filtered by
/// status, flow, time and a search, newest first when asked, page by page.
@Suite("Runs list filters and search", .requiresDatabase)
struct RunListTests {
    @Test func runsAreFoundByStatusFlowTimeAndWhatTheirEventWasAbout() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let sales = try #require(UUID(uuidString: try await FlowFixtures.flow(tenant)))
        let refunds = try #require(UUID(uuidString: try await FlowFixtures.flow(tenant, template: "paytrace-zoho-refunds")))
        for flow in [sales, refunds] { #expect(try await FlowFixtures.publish(tenant, flow.uuidString).status == 201) }
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        // Six runs an hour apart: sales of customers A and B alternately, the last two refunds.
        try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            for n in 0..<6 {
                let payload =
                    #"{"transaction": {"transaction_id": \#(5000 + n), "amount": "\#(10 + n).25", "customer_id": "cust-\#(n % 2 == 0 ? "alpha" : "beta")", "invoice_id": "INV-\#(700 + n)"}}"#
                let event = try tx.one(
                    "INSERT INTO events (tenant_id, environment, source, vendor_event_id, type, payload) VALUES ($1, 'dev', 'paytrace', $2, 't', $3::jsonb) RETURNING id",
                    [tenantId, "run-list-\(n)", payload])!.uuid("id")
                try tx.query(
                    "INSERT INTO runs (tenant_id, environment, event_id, flow_id, version, status, created_at) VALUES ($1, 'dev', $2, $3, 1, $4, $5)",
                    [tenantId, event, n < 4 ? sales : refunds, n == 1 ? "failed" : "succeeded", start.addingTimeInterval(Double(n) * 3_600)])
            }
        }
        let path = "/v1/tenants/\(tenant)/environments/dev/runs"
        func ids(_ query: String) async throws -> [String] {
            let reply = try await Client.send("GET", path + query)
            try #require(reply.status == 200, "\(query): \(reply.text)")
            return reply.items.compactMap { $0["transaction_id"] as? String }
        }
        #expect(try await ids("") == ["5000", "5001", "5002", "5003", "5004", "5005"])
        #expect(try await ids("?order=newest&limit=2") == ["5005", "5004"])
        #expect(try await ids("?status=failed") == ["5001"])
        #expect(try await ids("?flow_id=\(refunds.uuidString)") == ["5004", "5005"])
        #expect(try await ids("?since=2026-11-18T13:06:40Z&until=2026-11-18T15:06:40Z") == ["5002", "5003"])
        #expect(try await ids("?q=cust-BETA") == ["5001", "5003", "5005"])
        #expect(try await ids("?q=12.25") == ["5002"])
        #expect(try await ids("?q=INV-704&order=newest") == ["5004"])
        #expect(try await ids("?q=50%25") == [])
        let first = try await Client.send("GET", path + "?order=newest&limit=4")
        let listed = try #require(first.items.first)
        #expect(listed["flow_name"] as? String == "Order to cash")
        #expect(listed["amount"] as? String == "15.25" && listed["customer"] as? String == "cust-beta" && listed["order"] as? String == "INV-705")
        let cursor = try #require(first.json["next_cursor"] as? String)
        #expect(try await ids("?order=newest&limit=4&cursor=\(cursor)") == ["5001", "5000"])
        // Over 100 code points as sent is too long, even when trimming would leave fewer.
        let long = "?q=%20%20" + String(repeating: "a", count: 99)
        #expect(try await ids("?q=%20%20").count == 6, "a blank search is no search")
        for bad in ["?status=done", "?flow_id=x", "?since=yesterday", "?order=up", "?q=a%1Fb", long] {
            let reply = try await Client.send("GET", path + bad)
            #expect(reply.status == 422 && reply.isProblem, "\(bad): \(reply.status)")
        }
        // A filter given twice has no one meaning: refused, not guessed.
        let twice = try await Client.send("GET", path + "?q=5000&q=5001")
        #expect(twice.status == 400 && twice.isProblem && twice.text.contains("q is given more than once"), "\(twice.text)")
    }
}
