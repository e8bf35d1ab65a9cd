import Foundation
import Domain

/// `DashboardRepository` in the session's transaction: a handful of grouped counts over the
/// window (indexes: events_page, runs_page, job_history_dead), never a scan of all history.
struct PostgresDashboardRepository: DashboardRepository {
    let tx: Transaction

    func figures(tenantId: UUID, environment: EnvironmentName, window: DashboardWindow) throws -> DashboardFigures {
        let scope: [any SQLBindable] = [tenantId, environment.rawValue, window.from, window.to, window.bucketSeconds]
        var buckets = [DashboardFigures.Bucket](repeating: .init(), count: window.bucketCount)
        let bucket = "floor(extract(epoch FROM %@ - $3::timestamptz) / $5)::int"
        for row in try tx.query(
            """
            SELECT \(bucket.replacingOccurrences(of: "%@", with: "received_at")) AS bucket, count(*)::int AS n FROM events
            WHERE tenant_id = $1 AND environment = $2 AND received_at >= $3 AND received_at < $4 GROUP BY 1
            """, scope)
        {
            let index = try row.int("bucket")
            if buckets.indices.contains(index) { buckets[index].events = try row.int("n") }
        }
        for row in try tx.query(
            """
            SELECT \(bucket.replacingOccurrences(of: "%@", with: "created_at")) AS bucket, status, count(*)::int AS n FROM runs
            WHERE tenant_id = $1 AND environment = $2 AND created_at >= $3 AND created_at < $4 GROUP BY 1, 2
            """, scope)
        {
            let index = try row.int("bucket"), n = try row.int("n")
            guard buckets.indices.contains(index) else { continue }
            switch try row.string("status") {
            case "succeeded": buckets[index].succeeded = n
            case "failed": buckets[index].failed = n
            case "review": buckets[index].review = n
            default: buckets[index].running = n
            }
        }
        let latency = try tx.one(
            """
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.updated_at - e.received_at))::float8 AS p50,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.updated_at - e.received_at))::float8 AS p95,
                   count(*)::int AS n
            FROM runs r JOIN events e ON e.id = r.event_id
            WHERE r.tenant_id = $1 AND r.environment = $2 AND r.created_at >= $3 AND r.created_at < $4 AND r.status = 'succeeded'
            """, Array(scope.prefix(4)))
        let dead = try tx.one(
            "SELECT count(*)::int AS n FROM job_history WHERE tenant_id = $1 AND environment = $2 AND state = 'dead' AND replayed_by IS NULL",
            [tenantId, environment.rawValue])
        let queue = try JobQueue.depth(tx, tenantId: tenantId).first { $0.environment == environment }
        let connections = try ConnectionStore.list(tx, tenantId: tenantId, environment: environment, after: nil, limit: 200).items
        let activity = try self.activity(tenantId: tenantId, connections: connections)
        let series = try VendorCallStore.series(
            tx, tenantId: tenantId, connectionIds: connections.map(\.id), from: window.from, to: window.to, bucketSeconds: window.bucketSeconds)
        let health = connections.map { connection in
            let counted = series[connection.id] ?? [:]
            return DashboardFigures.ConnectionHealth(
                connection: connection, activity: activity[connection.id], calls: (0..<window.bucketCount).map { counted[$0] ?? (0, 0) })
        }
        let checklist = try tx.one(
            """
            SELECT EXISTS (SELECT 1 FROM connections c LEFT JOIN connection_call_status s ON s.connection_id = c.id AND s.tenant_id = c.tenant_id
                           WHERE c.tenant_id = $1 AND c.environment = $2 AND c.deleted_at IS NULL
                             AND (c.status = 'connected' OR s.last_success_at IS NOT NULL)) AS connected,
                   EXISTS (SELECT 1 FROM deployments WHERE tenant_id = $1 AND environment = $2) AS deployed,
                   EXISTS (SELECT 1 FROM runs WHERE tenant_id = $1 AND environment = $2 AND status = 'succeeded') AS first_run
            """, [tenantId, environment.rawValue])
        return DashboardFigures(
            window: window, buckets: buckets,
            latency: .init(
                p50Seconds: latency?.optionalString("p50").flatMap(Double.init), p95Seconds: latency?.optionalString("p95").flatMap(Double.init),
                samples: try latency?.int("n") ?? 0),
            queue: .init(queued: queue?.queued ?? 0, running: queue?.running ?? 0, oldestWaitSeconds: queue?.oldestAgeSeconds ?? 0),
            deadLetters: try dead?.int("n") ?? 0, connections: health,
            checklist: .init(
                connected: try checklist?.bool("connected") ?? false, deployed: try checklist?.bool("deployed") ?? false,
                firstRunSucceeded: try checklist?.bool("first_run") ?? false))
    }

    func activity(tenantId: UUID, connections: [Connection]) throws -> [UUID: ConnectionActivity] {
        let breakers = try CircuitBreakerStore.states(tx, tenantId: tenantId)
        let lastCalls = try VendorCallStore.lastCalls(tx, tenantId: tenantId)
        var activity: [UUID: ConnectionActivity] = [:]
        for connection in connections {
            let last = lastCalls[connection.id]
            let agentSeen =
                connection.kind == .sageProAgent ? try AgentCommandStore.presence(tx, tenantId: tenantId, connectionId: connection.id)?.lastSeenAt : nil
            activity[connection.id] = ConnectionActivity(
                breaker: breakers[connection.id], lastSuccessAt: last?.lastSuccessAt, lastFailureAt: last?.lastFailureAt, lastError: last?.lastError,
                agentLastSeenAt: agentSeen)
        }
        return activity
    }

    func tenantHealth(tenantIds: [UUID]) throws -> [UUID: TenantHealth] {
        var health = Dictionary(uniqueKeysWithValues: tenantIds.map { ($0, TenantHealth()) })
        guard !tenantIds.isEmpty else { return health }
        let scope = TenantScope.only(Set(tenantIds))
        let ids = [scope.sqlArray] as [any SQLBindable]
        let within = "tenant_id = ANY($1::uuid[])"
        for row in try tx.query(
            "SELECT tenant_id, count(*)::int AS n FROM events WHERE \(within) AND received_at > now() - interval '24 hours' GROUP BY 1", ids)
        {
            health[try row.uuid("tenant_id")]?.events = try row.int("n")
        }
        for row in try tx.query(
            """
            SELECT tenant_id, count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'failed')::int AS failed,
                   count(*) FILTER (WHERE status = 'review')::int AS review
            FROM runs WHERE \(within) AND created_at > now() - interval '24 hours' GROUP BY 1
            """, ids)
        {
            let id = try row.uuid("tenant_id")
            health[id]?.succeeded = try row.int("succeeded")
            health[id]?.failed = try row.int("failed")
            health[id]?.review = try row.int("review")
        }
        for row in try tx.query("SELECT tenant_id, count(*)::int AS n FROM alerts WHERE \(within) AND acknowledged_at IS NULL GROUP BY 1", ids) {
            health[try row.uuid("tenant_id")]?.openAlerts = try row.int("n")
        }
        for row in try tx.query(
            "SELECT tenant_id, count(*)::int AS n FROM job_history WHERE \(within) AND state = 'dead' AND replayed_by IS NULL GROUP BY 1", ids)
        {
            health[try row.uuid("tenant_id")]?.deadLetters = try row.int("n")
        }
        for depth in try JobQueue.depth(tx, tenants: scope) {
            guard var tenant = health[depth.tenantId] else { continue }
            tenant.queued += depth.queued
            tenant.oldestWaitSeconds = max(tenant.oldestWaitSeconds, depth.oldestAgeSeconds)
            health[depth.tenantId] = tenant
        }
        return health
    }
}
