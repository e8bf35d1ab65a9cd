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

    /// A route's series: given out once for each route (`series(for:)`, when the routes are
    /// registered), so that a request counts itself at the series' place without hashing its
    /// route (that look-up was 370 instructions of every request, callgrind).
    struct Series: Sendable {
        let route: String
        fileprivate let index: Int
    }

    /// Each route's counts (its histogram and its counts by method and status, one entry, so a
    /// request updates one place), at the place its series names; `places` finds a route named
    /// only by its pattern.
    private struct State {
        var routes: [String] = []
        var counts: [RouteCounts] = []
        var places: [String: Int] = [:]

        mutating func place(of route: String) -> Int {
            if let place = places[route] { return place }
            places[route] = routes.count
            routes.append(route)
            counts.append(RouteCounts())
            return routes.count - 1
        }
    }

    private let state = BlockingLock(State())

    func series(for route: String) -> Series {
        Series(route: route, index: state.withLock { $0.place(of: route) })
    }

    /// For a route given no series ahead (the rare answers no endpoint gives, tests).
    func observe(method: String, route: String, status: Int, seconds: Double) {
        observe(method: method, series: series(for: route), status: status, seconds: seconds)
    }

    func observe(method: String, series: Series, status: Int, seconds: Double) {
        let bucket = Metrics.buckets.firstIndex { seconds <= $0 }
        // Mutated in place: taking the histogram out and putting it back copied its counts on
        // every request, under the lock every request thread takes.
        state.withLock { $0.counts[series.index].observe(method: method, status: status, bucket: bucket, seconds: seconds) }
    }

    func render(pool: ConnectionPool.Stats, parkedAgentPolls: Int) -> String {
        // Routes given a series but never answered have no lines, as before they had a series.
        let snapshot = state.withLock { state in
            Dictionary(uniqueKeysWithValues: zip(state.routes, state.counts).filter { $0.1.histogram.total > 0 })
        }
        var out = """
            # HELP clearline_http_requests_total HTTP requests answered, by method, route pattern and status.
            # TYPE clearline_http_requests_total counter

            """
        let requests = snapshot.flatMap { route, counts in
            counts.counts.map { (route: route, method: $0.method, status: $0.status, count: $0.count) }
        }
        for (route, method, status, count) in requests.sorted(by: { ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status) }) {
            out += "clearline_http_requests_total{method=\"\(method)\",route=\"\(escape(route))\",status=\"\(status)\"} \(count)\n"
        }
        out += histogram(
            "clearline_http_request_duration_seconds", help: "Time from the full request to the response, by route pattern.", label: "route",
            bounds: Metrics.buckets, snapshot.mapValues { ($0.histogram.counts, $0.histogram.total, $0.histogram.sum) })
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
