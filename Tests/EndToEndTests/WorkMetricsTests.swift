import Foundation
import Testing
import ClearlineTesting
import Domain

/// `/metrics` carries vendor calls, run outcomes, step latency and the queue, and every label of
/// those series comes from a closed set, however many tenants, connections and URLs there are.
@Suite("Metrics of the work", .requiresDatabase)
struct WorkMetricsTests {
    static let labelValues: [String: Set<String>] = [
        "vendor": Set(ConnectionKind.allCases.map(\.rawValue) + ["internal"]),
        "outcome": Set(VendorCallOutcome.allCases.map(\.rawValue) + ["succeeded", "failed", "review"]),
        "environment": Set(EnvironmentName.allCases.map(\.rawValue)),
        "state": ["queued", "running"],
        "target": Set(TargetSchemas.all.map(\.name)),
    ]

    @Test func newSeriesArePresentAndTheirLabelsBounded() async throws {
        // A sale through the flow: vendor calls, a step, a run outcome.
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        _ = try await VendorFixtures.connectedZoho(tenant)
        try await FlowFixtures.deployTemplate(tenant)
        _ = try await VendorFixtures.payTrace(tenant)
        let sent = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/demo-transactions", json: ["kind": "sale"])
        try #require(sent.status == 201, "\(sent.text)")
        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        // The metrics are the process's: another suite's run may finish first, so this waits for
        // every series it checks (this sale's invoice step among them), not for any finished run.
        let expected = [
            "clearline_vendor_calls_total{vendor=\"paytrace\"", "clearline_vendor_calls_total{vendor=\"zoho\"", "clearline_vendor_call_duration_seconds_bucket",
            "clearline_step_duration_seconds_bucket{target=\"zoho_books.invoice\"", "clearline_queue_jobs{environment=\"dev\",state=\"queued\"}",
            "clearline_queue_oldest_wait_seconds{environment=\"prod\"}",
        ]
        var text = ""
        let seen = try await Wait.until(60) {
            text = try await Client.send("GET", "/metrics", auth: .none).text
            return Self.value(text, "clearline_runs_finished_total{outcome=\"succeeded\"}") ?? 0 >= 1 && expected.allSatisfy { text.contains($0) }
        }
        #expect(seen, "\(text.prefix(2000))")
        for series in expected {
            #expect(text.contains(series), "missing \(series)")
        }
        var operations = Set<String>()
        for line in text.split(separator: "\n")
        where ["clearline_vendor", "clearline_runs", "clearline_step", "clearline_queue"].contains(where: line.hasPrefix) {
            for (name, value) in Self.labels(String(line)) {
                if name == "operation" { operations.insert(value); continue }
                if name == "le" { continue }
                #expect(Self.labelValues[name]?.contains(value) == true, "label \(name)=\(value) is outside its closed set: \(line)")
            }
        }
        #expect(operations.count <= ProcessTelemetry.maxOperations + 1)
    }

    /// However many distinct URLs are called, the operation label takes at most `maxOperations`
    /// values and "other".
    @Test func operationsAreCapped() {
        let telemetry = ProcessTelemetry()
        for n in 0..<500 {
            let path = "/crm/v8/Module\(String(repeating: "x", count: n % 30))\(Character(UnicodeScalar(97 + n % 26)!))/search"
            telemetry.vendorCall(vendor: "zoho", operation: VendorOperation.name(method: "GET", path: path), outcome: .ok, seconds: 0.01)
        }
        let operations = Set(telemetry.snapshot.vendorCalls.keys.map(\.operation))
        #expect(operations.count == ProcessTelemetry.maxOperations + 1 && operations.contains("other"))
        #expect(telemetry.snapshot.vendorCalls.values.reduce(0, +) == 500)
        // Ids and versions leave the path: every invoice read is one operation.
        #expect(VendorOperation.name(method: "get", path: "/books/v3/invoices/982000000567114") == "GET books invoices")
        #expect(VendorOperation.name(method: "POST", path: "/v1/transactions/sale/keyed") == "POST transactions sale keyed")
    }

    static func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series) }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// The `name="value"` pairs of one sample line.
    static func labels(_ line: String) -> [(String, String)] {
        guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else { return [] }
        return line[line.index(after: open)..<close].split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), String(parts[1].dropFirst().dropLast()))
        }
    }
}
