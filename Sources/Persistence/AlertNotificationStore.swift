public import Foundation
public import Domain

/// The sending side of alert routes: a route's owed alerts become one message (at most `limit`
/// alerts), tried until sent; the next message takes what was owed meanwhile.
public enum AlertNotificationStore {
    /// Tries of one message (as migration 0041's trigger queues them): with the queue's backoff,
    /// about three hours of a receiver being down.
    public static let attempts = 15

    /// The route's message being sent, else a new one of the alerts it owes; nil when it owes
    /// none. Counts the attempt, so the count is right even if the process dies mid-send.
    public static func open(_ tx: Transaction, tenantId: UUID, routeId: UUID, limit: Int) throws -> (AlertNotification, [Alert])? {
        var id = try tx.one(
            "SELECT id FROM alert_notifications WHERE tenant_id = $1 AND route_id = $2 AND status = 'sending' AND NOT test", [tenantId, routeId]
        )?.uuid("id")
        if id == nil {
            id = try tx.one(
                """
                WITH owed AS (
                  SELECT alert_id FROM alert_deliveries WHERE tenant_id = $1 AND route_id = $2 AND notification_id IS NULL ORDER BY created_at, alert_id LIMIT $3
                ),
                made AS (
                  INSERT INTO alert_notifications (tenant_id, route_id, alert_count) SELECT $1, $2, count(*) FROM owed HAVING count(*) > 0 RETURNING id
                ),
                carried AS (
                  UPDATE alert_deliveries d SET notification_id = made.id FROM made, owed WHERE d.route_id = $2 AND d.alert_id = owed.alert_id
                )
                SELECT id FROM made
                """, [tenantId, routeId, limit])?.uuid("id")
        }
        guard let id else { return nil }
        let notification = try tx.one(
            "UPDATE alert_notifications SET attempts = attempts + 1 WHERE id = $1 RETURNING \(AlertRouteStore.notificationColumns)", [id]
        ).map(AlertRouteStore.decodeNotification)
        let alerts = try tx.query(
            """
            SELECT \(AlertStore.columns) FROM alerts WHERE id IN (SELECT alert_id FROM alert_deliveries WHERE notification_id = $1)
            ORDER BY created_at, id
            """, [id]
        ).map(AlertStore.decode)
        return notification.map { ($0, alerts) }
    }

    /// Why the last attempt failed, kept while the queue tries again.
    public static func recordFailure(_ tx: Transaction, id: UUID, error: String) throws {
        try tx.query("UPDATE alert_notifications SET last_error = $2 WHERE id = $1", [id, String(error.prefix(500))])
    }

    /// The message went (`sent`) or was given up (`failed`). If the route owes more alerts, its
    /// next notify job is queued: under the route's lock, which the alerts trigger takes too, so
    /// an alert owed while this message was sent is seen here or queues its own job there.
    public static func close(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, routeId: UUID, id: UUID?, sent: Bool, error: String?, gatherSeconds: Int
    ) throws {
        if let id {
            try tx.query(
                """
                UPDATE alert_notifications SET status = $2, sent_at = CASE WHEN $2 = 'sent' THEN now() END, last_error = coalesce($3, last_error)
                WHERE id = $1
                """, [id, sent ? "sent" : "failed", error.map { String($0.prefix(500)) }])
        }
        try tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["alert-route:\(routeId.lowercasedText)"])
        let owes =
            try tx.one(
                "SELECT 1 AS owed FROM alert_deliveries WHERE tenant_id = $1 AND route_id = $2 AND notification_id IS NULL LIMIT 1", [tenantId, routeId])
            != nil
        guard owes else { return }
        try JobQueue.enqueue(
            tx,
            [
                NewJob(
                    tenantId: tenantId, environment: environment, kind: .alertNotification, payload: #"{"route_id":"\#(routeId.lowercasedText)"}"#,
                    orderingKey: "alert-route:\(routeId.lowercasedText)", maxAttempts: attempts, runAt: Date().addingTimeInterval(Double(gatherSeconds)))
            ])
    }
}
