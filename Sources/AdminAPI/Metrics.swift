import Foundation
import Persistence
import Domain
import Synchronization

/// Request counters and latency histograms by route pattern (never the raw path, so the number
/// of series stays bounded), rendered in Prometheus text format.
final class Metrics: Sendable {
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    /// A route's requests by method and status: a handful each, searched in place.
    private struct RouteCounts {
        var histogram = Histogram()
        var counts: [(method: String, status: Int, count: Int)] = []

        mutating func observe(method: String, status: Int, bucket: Int?, seconds: Double) {
            histogram.observe(bucket: bucket, seconds: seconds)
            for index in counts.indices where counts[index].status == status && counts[index].method == method {
                counts[index].count += 1
                return
            }
            counts.append((method, status, 1))
        }
    }

    private struct Histogram {
        var counts = [Int](repeating: 0, count: Metrics.buckets.count)
        var total = 0
        var sum = 0.0

        mutating func observe(bucket: Int?, seconds: Double) {
            if let bucket { counts[bucket] += 1 }
            total += 1
            sum += seconds
        }
    }

    /// By route pattern, one look-up a request: a counter keyed by method, route and status
    /// beside a histogram keyed by route hashed the route twice (callgrind).
    private struct State {
        var routes: [String: RouteCounts] = [:]
    }

    private let state = BlockingLock(State())

    func observe(method: String, route: String, status: Int, seconds: Double) {
        let bucket = Metrics.buckets.firstIndex { seconds <= $0 }
        // Mutated in place: taking the histogram out and putting it back copied its counts on
        // every request, under the lock every request thread takes.
        state.withLock { state in
            state.routes[route, default: RouteCounts()].observe(method: method, status: status, bucket: bucket, seconds: seconds)
        }
    }

    func render(pool: ConnectionPool.Stats, parkedAgentPolls: Int) -> String {
        let snapshot = state.withLock { $0 }
        var out = """
            # HELP clearline_http_requests_total HTTP requests answered, by method, route pattern and status.
            # TYPE clearline_http_requests_total counter

            """
        let requests = snapshot.routes.flatMap { route, counts in
            counts.counts.map { (route: route, method: $0.method, status: $0.status, count: $0.count) }
        }
        for (route, method, status, count) in requests.sorted(by: { ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status) }) {
            out += "clearline_http_requests_total{method=\"\(method)\",route=\"\(escape(route))\",status=\"\(status)\"} \(count)\n"
        }
        out += histogram(
            "clearline_http_request_duration_seconds", help: "Time from the full request to the response, by route pattern.", label: "route",
            bounds: Metrics.buckets, snapshot.routes.mapValues { ($0.histogram.counts, $0.histogram.total, $0.histogram.sum) })
        out += """
            # HELP clearline_db_pool_connections Database connections of this process, by state.
            # TYPE clearline_db_pool_connections gauge
            clearline_db_pool_connections{state="in_use"} \(pool.inUse)
            clearline_db_pool_connections{state="idle"} \(pool.idle)
            # HELP clearline_db_pool_waiting Callers waiting for a database connection.
            # TYPE clearline_db_pool_waiting gauge
            clearline_db_pool_waiting \(pool.waiting)
            # HELP clearline_db_pool_capacity Most connections this process opens.
            # TYPE clearline_db_pool_capacity gauge
            clearline_db_pool_capacity \(pool.capacity)
            # HELP clearline_agent_polls_parked Sage Pro agents' long polls waiting for a command.
            # TYPE clearline_agent_polls_parked gauge
            clearline_agent_polls_parked \(parkedAgentPolls)

            """
        return out
    }

    func escape(_ label: String) -> String {
        label.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
