import Foundation
import Testing
import ClearlineTesting
import Persistence

/// Open alerts grouped by cause and acknowledged a group at a time.
@Suite("Alert incidents", .requiresDatabase)
struct AlertIncidentTests {
    @Test func alertsOfOneCauseAreOneIncidentAcknowledgedAtOnce() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            // Five jobs killed by the same failure (ids and numbers differ), one by another.
            for n in 0..<5 {
                try AlertStore.raise(
                    tx, tenantId: tenantId, environment: .dev, kind: .jobDead, subject: "job:\(1000 + n)",
                    message: "Job \(1000 + n) (flow.step) gave up after 8 attempts: Zoho Books answered HTTP 500 for invoice 98200000\(n)")
            }
            try AlertStore.raise(
                tx, tenantId: tenantId, environment: .dev, kind: .jobDead, subject: "job:2000", message: "Job 2000 (flow.step) gave up: the agent is offline")
            for n in 0..<2 {
                try AlertStore.raise(
                    tx, tenantId: tenantId, environment: .dev, kind: .chargeback, subject: "dispute:\(UUID())", message: "Chargeback CB-\(n) opened")
            }
            try AlertStore.raise(tx, tenantId: tenantId, environment: .dev, kind: .circuitOpen, subject: "connection:x", message: "Zoho refused")
            try AlertStore.raise(tx, tenantId: tenantId, environment: .qa, kind: .circuitOpen, subject: "connection:y", message: "In qa")
        }
        let path = "/v1/tenants/\(tenant)/environments/dev/alert-incidents"
        let listed = try await Client.send("GET", path)
        try #require(listed.status == 200, "\(listed.text)")
        let counts = listed.items.map { "\($0["kind"] as? String ?? ""):\($0["count"] as? Int ?? 0)" }.sorted()
        #expect(counts == ["chargeback:2", "circuit_open:1", "job_dead:1", "job_dead:5"])
        let zoho = try #require(listed.items.first { $0["count"] as? Int == 5 })
        #expect((zoho["summary"] as? String)?.contains("HTTP 500") == true)
        let key = try #require(zoho["key"] as? String)

        let viewer = try await Fixtures.apiKey(tenant, role: "viewer")
        #expect(try await Client.send("POST", "\(path)/\(key)/acknowledge", auth: .bearer(viewer.token)).status == 403)
        let acknowledged = try await Client.send("POST", "\(path)/\(key)/acknowledge")
        #expect(acknowledged.status == 200 && acknowledged.json["acknowledged"] as? Int == 5, "\(acknowledged.text)")
        let open = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/alerts?open=true")
        #expect(open.items.count == 4)
        let again = try await Client.send("POST", "\(path)/\(key)/acknowledge")
        #expect(again.status == 404 && again.isProblem)
        #expect(try await Client.send("POST", "\(path)/not-a-key/acknowledge").status == 404)
        // Another tenant cannot see or acknowledge them.
        let other = try await Fixtures.tenant()
        let outsider = try await Fixtures.apiKey(other, role: "owner")
        let foreign = try await Client.send("GET", path, auth: .bearer(outsider.token))
        #expect(foreign.status == 404 || foreign.status == 403)
    }
}
