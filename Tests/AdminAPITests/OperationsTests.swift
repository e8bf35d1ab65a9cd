import Foundation
import Testing
import ClearlineTesting

@Suite("Operations: health, readiness, metrics, request ids, unknown routes", .requiresDatabase)
struct OperationsTests {
    @Test func healthzAnswersWithoutCredentials() async throws {
        let reply = try await Client.send("GET", "/healthz", auth: .none)
        #expect(reply.status == 200)
        #expect(reply["status"] == "ok")
        #expect(reply.header("x-request-id")?.hasPrefix("req_") == true)
    }

    @Test func readyzReportsDatabaseAndMigrations() async throws {
        let reply = try await Client.send("GET", "/readyz", auth: .none)
        #expect(reply.status == 200)
        #expect(reply["status"] == "ready")
    }

    @Test func callerRequestIdIsEchoedAndUnsafeOnesReplaced() async throws {
        let given = try await Client.send("GET", "/healthz", auth: .none, headers: ["X-Request-Id": "abc-123.X_y"])
        #expect(given.header("x-request-id") == "abc-123.X_y")
        let unsafe = try await Client.send("GET", "/healthz", auth: .none, headers: ["X-Request-Id": "bad id<script>"])
        #expect(unsafe.header("x-request-id")?.hasPrefix("req_") == true)
    }

    @Test func metricsCountRequestsByRouteAndShowThePool() async throws {
        _ = try await Client.send("GET", "/healthz", auth: .none)
        let reply = try await Client.send("GET", "/metrics", auth: .none)
        #expect(reply.status == 200)
        #expect(reply.header("content-type")?.hasPrefix("text/plain") == true)
        #expect(reply.text.contains(#"clearline_http_requests_total{method="GET",route="/healthz",status="200"}"#))
        #expect(reply.text.contains(#"clearline_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"}"#))
        #expect(reply.text.contains(#"clearline_db_pool_connections{state="in_use"}"#))
        #expect(reply.text.contains("clearline_db_pool_waiting"))
    }

    @Test func unknownRouteIsProblemJSON() async throws {
        let reply = try await Client.send("GET", "/v1/nothing-here")
        #expect(reply.status == 404)
        #expect(reply.isProblem)
        #expect(reply["request_id"] == reply.header("x-request-id"))
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        let reply = try await Client.send("PUT", "/v1/tenants", json: [:])
        #expect(reply.status == 405)
        #expect(reply.isProblem)
        #expect(reply.header("allow")?.contains("GET") == true)
        #expect(reply.header("allow")?.contains("POST") == true)
    }

    @Test func timestampsAreRFC3339UTC() async throws {
        let tenant = try await Fixtures.tenant()
        let reply = try await Client.send("GET", "/v1/tenants/\(tenant)")
        let created = try #require(reply["created_at"])
        #expect(created.hasSuffix("Z"))
        #expect(ISO8601DateFormatter.withFractions.date(from: created) != nil)
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
