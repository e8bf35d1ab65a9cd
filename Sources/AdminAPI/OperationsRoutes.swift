import HTTPServer
import Domain
import Persistence

/// Liveness, readiness and metrics, outside /v1 and without credentials, for load balancers and Prometheus.
enum OperationsRoutes {
    /// Liveness is probed often; its body never changes: `{"status":"ok"}`, as a literal of bytes,
    /// which the compiler lays out as a constant object whose reference count no request
    /// changes. Built from the text at start-up, it was an ordinary array whose count both polling
    /// threads raised and lowered on every probe, an atomic they fought over (perf).
    static let alive: [UInt8] = [0x7B, 0x22, 0x73, 0x74, 0x61, 0x74, 0x75, 0x73, 0x22, 0x3A, 0x22, 0x6F, 0x6B, 0x22, 0x7D]

    static func saturation(_ context: RequestContext) throws -> Response? {
        guard let load = context.services.executorLoad.withLock({ $0 })?(), load.isSaturated else { return nil }
        throw Problem(
            status: 503, title: "Not ready",
            detail: "All \(load.threads) request threads are busy and \(load.waiting) requests wait (the oldest for \(load.oldestWait.components.seconds) s).",
            headers: [("Retry-After", "2")])
    }

    static let endpoints: [Endpoint] = [
        Endpoint("GET", "/healthz", access: .anonymous, inline: true) { _ in
            var answer = Response(status: 200, headers: Response.jsonHeaders, body: alive)
            answer.isConstant = true
            return answer
        },
        // A saturated executor is told on the polling thread: a readiness probe queued behind
        // the requests it should warn about would only time out.
        Endpoint("GET", "/readyz", access: .anonymous, fastPath: saturation) { context in
            let current: Bool
            do {
                current = try context.services.stores.isCurrent()
            } catch {
                throw Problem(status: 503, title: "Not ready", detail: "The database is not reachable.", headers: [("Retry-After", "2")])
            }
            guard current else {
                throw Problem(status: 503, title: "Not ready", detail: "Database migrations are pending; run `clearline migrate`.")
            }
            return context.json(["status": "ready"])
        },
        // On the executor, not inline: the queue's depth is read from the database (and left out
        // when it cannot be read, so the process's own series still reach Prometheus).
        Endpoint("GET", "/metrics", access: .anonymous) { context in
            let services = context.services
            let queue = try? services.database.transaction(.platform) { try JobQueue.depth($0) }
            let text =
                services.metrics.render(pool: services.database.pool.stats, parkedAgentPolls: services.agentWakeups.parkedCount)
                + services.metrics.renderWork(ProcessTelemetry.shared.snapshot, queue: queue)
            return Response(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: text)
        },
    ]
}
