import Testing
@testable import Persistence
@testable import AdminAPI

/// The request counters and histograms as Prometheus reads them.
@Suite("Metrics text")
struct MetricsRenderTests {
    @Test func requestsAreCountedByRouteMethodAndStatusInOrder() {
        let metrics = Metrics()
        let seen: [(String, String, Int, Double)] = [
            ("GET", "/healthz", 200, 0.0005), ("POST", "/v1/tenants", 201, 0.02), ("GET", "/healthz", 200, 0.003),
            ("GET", "/v1/tenants", 200, 0.004), ("GET", "/healthz", 503, 0.2), ("POST", "/v1/tenants", 201, 7), ("DELETE", "/v1/tenants", 405, 0),
        ]
        for (method, route, status, seconds) in seen { metrics.observe(method: method, route: route, status: status, seconds: seconds) }
        let text = metrics.render(pool: ConnectionPool.Stats(inUse: 1, idle: 2, waiting: 0, capacity: 3), parkedAgentPolls: 0)
        let counters = text.split(separator: "\n").filter { $0.hasPrefix("clearline_http_requests_total{") }
        #expect(
            counters == [
                #"clearline_http_requests_total{method="GET",route="/healthz",status="200"} 2"#,
                #"clearline_http_requests_total{method="GET",route="/healthz",status="503"} 1"#,
                #"clearline_http_requests_total{method="DELETE",route="/v1/tenants",status="405"} 1"#,
                #"clearline_http_requests_total{method="GET",route="/v1/tenants",status="200"} 1"#,
                #"clearline_http_requests_total{method="POST",route="/v1/tenants",status="201"} 2"#,
            ])
        #expect(text.contains(#"clearline_http_request_duration_seconds_bucket{route="/healthz",le="0.001"} 1"#))
        #expect(text.contains(#"clearline_http_request_duration_seconds_bucket{route="/healthz",le="0.005"} 2"#))
        #expect(text.contains(#"clearline_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 3"#))
        #expect(text.contains(#"clearline_http_request_duration_seconds_count{route="/v1/tenants"} 4"#))
    }

    /// Counting at a route's series is counting by its route; a route given a series but never
    /// answered has no lines.
    @Test func aSeriesCountsAsItsRouteAndAnUnansweredOneHasNoLines() {
        let byRoute = Metrics(), bySeries = Metrics()
        let healthz = bySeries.series(for: "/healthz"), tenants = bySeries.series(for: "/v1/tenants")
        _ = bySeries.series(for: "/v1/never")
        #expect(bySeries.series(for: "/healthz").route == "/healthz")
        let seen: [(String, Metrics.Series, Int, Double)] = [
            ("GET", healthz, 200, 0.0005), ("POST", tenants, 201, 0.02), ("GET", healthz, 503, 0.2), ("GET", tenants, 200, 7),
        ]
        for (method, series, status, seconds) in seen {
            byRoute.observe(method: method, route: series.route, status: status, seconds: seconds)
            bySeries.observe(method: method, series: series, status: status, seconds: seconds)
        }
        // The route-named way still adds routes the series were not given for.
        byRoute.observe(method: "GET", route: "unmatched", status: 404, seconds: 0)
        bySeries.observe(method: "GET", route: "unmatched", status: 404, seconds: 0)
        let stats = ConnectionPool.Stats(inUse: 0, idle: 0, waiting: 0, capacity: 1)
        let text = bySeries.render(pool: stats, parkedAgentPolls: 0)
        #expect(text == byRoute.render(pool: stats, parkedAgentPolls: 0))
        #expect(!text.contains("/v1/never"))
        #expect(text.contains(#"clearline_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
        #expect(text.contains(#"clearline_http_request_duration_seconds_count{route="/v1/tenants"} 2"#))
    }
}
