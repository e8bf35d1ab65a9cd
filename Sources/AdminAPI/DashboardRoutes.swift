import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/dashboard?range=24h|7d|30d`: the health of
/// one environment over the window, bucket by bucket, for the console's charts.
enum DashboardRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint("GET", "/v1/tenants/{tenantId}/environments/{environment}/dashboard", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let range = context.request.query["range"] ?? "24h"
            guard let window = DashboardWindow(range: range) else {
                throw Problem.validation([FieldError(field: "range", message: "must be one of: 24h, 7d, 30d")])
            }
            let figures = try context.tenantTransaction { try $0.dashboard.figures(tenantId: tenantId, environment: environment, window: window) }
            return context.json(DashboardBody(figures))
        }
    ]
}

struct DashboardBody: Encodable {
    struct BucketBody: Encodable {
        let start: Date
        let events: Int
        let runs: RunCounts
    }

    struct RunCounts: Encodable {
        let succeeded: Int
        let failed: Int
        let review: Int
        let running: Int
    }

    struct LatencyBody: Encodable {
        let p50Ms: Int?
        let p95Ms: Int?
        let samples: Int
    }

    struct QueueBody: Encodable {
        let queued: Int
        let running: Int
        let oldestWaitSeconds: Int
    }

    struct ConnectionBody: Encodable {
        let id: String
        let name: String
        let kind: String
        let status: String
        /// closed, counting (failures seen, still calling) or open (stopped calling).
        let breaker: String
        let breakerFailures: Int
        let lastSuccessAt: Date?
        let lastFailureAt: Date?
        let lastError: String?
        let calls: Int
        let failures: Int
        let errorRate: Double?
        /// The vendor's budget per bucket, where the connection has one (Zoho: per organization and minute).
        let limitPerBucket: Int?
        /// A PayTrace connection to the vendor sandbox: the guided demo can make transactions there.
        let sandbox: Bool
        /// Sage Pro: when its agent last polled.
        let agentLastSeenAt: Date?
        let series: [CallBucket]
    }

    struct CallBucket: Encodable {
        let calls: Int
        let failures: Int
    }

    struct ChecklistBody: Encodable {
        let connected: Bool
        let deployed: Bool
        let firstRunSucceeded: Bool
    }

    let range: String
    let from: Date
    let to: Date
    let bucketSeconds: Int
    let buckets: [BucketBody]
    let totals: Totals
    let latency: LatencyBody
    let queue: QueueBody
    let deadLetters: Int
    let connections: [ConnectionBody]
    let checklist: ChecklistBody

    struct Totals: Encodable {
        let events: Int
        let runs: RunCounts
        /// Succeeded over finished (succeeded, failed, held for review); null with none finished.
        let successRate: Double?
    }

    init(_ figures: DashboardFigures) {
        let window = figures.window
        range = window.range
        from = window.from
        to = window.to
        bucketSeconds = window.bucketSeconds
        buckets = figures.buckets.enumerated().map { index, bucket in
            BucketBody(
                start: window.bucketStart(index), events: bucket.events,
                runs: RunCounts(succeeded: bucket.succeeded, failed: bucket.failed, review: bucket.review, running: bucket.running))
        }
        let sum = { (value: (DashboardFigures.Bucket) -> Int) in figures.buckets.reduce(0) { $0 + value($1) } }
        let runs = RunCounts(succeeded: sum(\.succeeded), failed: sum(\.failed), review: sum(\.review), running: sum(\.running))
        let finished = runs.succeeded + runs.failed + runs.review
        totals = Totals(
            events: sum(\.events), runs: runs, successRate: Self.fraction(runs.succeeded, of: finished))
        latency = LatencyBody(
            p50Ms: figures.latency.p50Seconds.map { Int(($0 * 1000).rounded()) }, p95Ms: figures.latency.p95Seconds.map { Int(($0 * 1000).rounded()) },
            samples: figures.latency.samples)
        queue = QueueBody(queued: figures.queue.queued, running: figures.queue.running, oldestWaitSeconds: Int(figures.queue.oldestWaitSeconds.rounded()))
        deadLetters = figures.deadLetters
        connections = figures.connections.map { Self.connection($0, window: window) }
        checklist = ChecklistBody(
            connected: figures.checklist.connected, deployed: figures.checklist.deployed, firstRunSucceeded: figures.checklist.firstRunSucceeded)
    }

    static func connection(_ health: DashboardFigures.ConnectionHealth, window: DashboardWindow) -> ConnectionBody {
        let connection = health.connection, activity = health.activity
        let calls = health.calls.reduce(0) { $0 + $1.calls }, failures = health.calls.reduce(0) { $0 + $1.failures }
        // Zoho allows 100 calls a minute per organization unless the connection says otherwise.
        let perMinute = connection.kind == .zoho ? connection.text("requests_per_minute").flatMap { Int($0) } ?? 100 : nil
        return ConnectionBody(
            id: connection.id.lowercasedString, name: connection.name, kind: connection.kind.rawValue,
            status: ConnectionHealthStatus.state(connection, activity), breaker: ConnectionHealthStatus.breaker(activity),
            breakerFailures: activity?.breaker?.failures ?? 0,
            lastSuccessAt: activity?.lastSuccessAt, lastFailureAt: activity?.lastFailureAt, lastError: activity?.lastError, calls: calls, failures: failures,
            errorRate: fraction(failures, of: calls), limitPerBucket: perMinute.map { $0 * window.bucketSeconds / 60 },
            sandbox: connection.kind == .paytrace && OutboundPolicy.isPlatformException(url: connection.text("base_url") ?? ""),
            agentLastSeenAt: activity?.agentLastSeenAt,
            series: health.calls.map { CallBucket(calls: $0.calls, failures: $0.failures) })
    }

    /// `part` of `whole` to four decimal places; nil of nothing.
    static func fraction(_ part: Int, of whole: Int) -> Double? {
        whole == 0 ? nil : (Double(part) / Double(whole) * 10_000).rounded() / 10_000
    }
}
