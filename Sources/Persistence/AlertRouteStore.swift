public import Foundation
public import Domain

/// Alert routes (migration 0036): where a tenant's alerts are sent, and the messages sent on
/// each. Which alerts a route owes is decided by a trigger on `alerts`, so every alert, however
/// written, reaches its routes; the notify job (`AlertNotifier`) sends them.
public enum AlertRouteStore {
    static let columns = """
        id, name, channel, url, to_jsonb(recipients)::text AS recipients, min_severity, to_jsonb(kinds)::text AS kinds,
        to_jsonb(environments)::text AS environments, gather_seconds, enabled, created_at
        """
    static let notificationColumns = "id, route_id, status, test, alert_count, attempts, last_error, created_at, sent_at"

    static func secretContext(tenantId: UUID, routeId: UUID) -> Vault.SecretContext {
        Vault.SecretContext(tenantId: tenantId, connectionId: routeId, name: "alert_route_signing_secret", version: 1)
    }

    public static func create(
        _ tx: Transaction, vault: Vault, tenantId: UUID, channel: AlertRoute.Channel, _ settings: AlertRouteSettings, signingSecret: String?
    ) throws -> AlertRoute {
        let id = UUID()
        let sealed = try signingSecret.map { try vault.seal(tx, $0, context: secretContext(tenantId: tenantId, routeId: id)) }
        let row = try tx.one(
            """
            INSERT INTO alert_routes (id, tenant_id, name, channel, url, recipients, signing_secret, min_severity, kinds, environments, gather_seconds, enabled)
            VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9::text[], $10::text[], $11, $12) RETURNING \(columns)
            """,
            [
                id, tenantId, settings.name ?? "", channel.rawValue, settings.url, SQLArray(settings.recipients ?? []), sealed,
                (settings.minSeverity ?? .warning).rawValue, SQLArray(settings.kinds ?? []), SQLArray(settings.environments ?? []),
                settings.gatherSeconds ?? 30, settings.enabled ?? true,
            ])
        return try decode(row!)
    }

    public static func get(_ tx: Transaction, tenantId: UUID, id: UUID) throws -> AlertRoute? {
        try tx.one("SELECT \(columns) FROM alert_routes WHERE tenant_id = $1 AND id = $2", [tenantId, id]).map(decode)
    }

    public static func list(_ tx: Transaction, tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<AlertRoute> {
        try Paging.fetch(tx, "SELECT \(columns) FROM alert_routes WHERE tenant_id = $1", [tenantId], after: cursor, limit: limit, decode: decode) {
            PageCursor(createdAt: $0.createdAt, id: $0.id)
        }
    }

    public static func update(_ tx: Transaction, tenantId: UUID, id: UUID, _ settings: AlertRouteSettings) throws -> AlertRoute? {
        try tx.one(
            """
            UPDATE alert_routes SET name = $3, url = $4, recipients = $5::text[], min_severity = $6, kinds = $7::text[], environments = $8::text[],
              gather_seconds = $9, enabled = $10
            WHERE tenant_id = $1 AND id = $2 RETURNING \(columns)
            """,
            [
                tenantId, id, settings.name ?? "", settings.url, SQLArray(settings.recipients ?? []), (settings.minSeverity ?? .warning).rawValue,
                SQLArray(settings.kinds ?? []), SQLArray(settings.environments ?? []), settings.gatherSeconds ?? 30, settings.enabled ?? true,
            ]
        ).map(decode)
    }

    public static func delete(_ tx: Transaction, tenantId: UUID, id: UUID) throws -> Bool {
        try tx.one("DELETE FROM alert_routes WHERE tenant_id = $1 AND id = $2 RETURNING id", [tenantId, id]) != nil
    }

    public static func signingSecret(_ tx: Transaction, vault: Vault, tenantId: UUID, routeId: UUID) throws -> String? {
        guard
            let sealed = try tx.one("SELECT signing_secret FROM alert_routes WHERE tenant_id = $1 AND id = $2", [tenantId, routeId])?
                .optionalString("signing_secret")
        else { return nil }
        return try vault.open(tx, sealed, context: secretContext(tenantId: tenantId, routeId: routeId))
    }

    public static func notifications(_ tx: Transaction, tenantId: UUID, routeId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<
        AlertNotification
    > {
        try Paging.fetch(
            tx, "SELECT \(notificationColumns) FROM alert_notifications WHERE tenant_id = $1 AND route_id = $2", [tenantId, routeId], after: cursor,
            limit: limit, descending: true, decode: decodeNotification
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    public static func recordTest(_ tx: Transaction, tenantId: UUID, routeId: UUID, id: UUID, error: String?) throws {
        try tx.query(
            """
            INSERT INTO alert_notifications (id, tenant_id, route_id, status, test, alert_count, attempts, last_error, sent_at)
            VALUES ($1, $2, $3, $4, true, 0, 1, $5, CASE WHEN $5::text IS NULL THEN now() END)
            """, [id, tenantId, routeId, error == nil ? "sent" : "failed", error])
    }

    static func decode(_ row: Row) throws -> AlertRoute {
        func texts(_ column: String) throws -> [String] {
            (try JSONSerialization.jsonObject(with: Data(try row.string(column).utf8)) as? [String]) ?? []
        }
        return AlertRoute(
            id: try row.uuid("id"), name: try row.string("name"), channel: AlertRoute.Channel(rawValue: try row.string("channel")) ?? .webhook,
            url: row.optionalString("url"), recipients: try texts("recipients"),
            minSeverity: Alert.Severity(rawValue: try row.string("min_severity")) ?? .warning, kinds: try texts("kinds"),
            environments: try texts("environments"), gatherSeconds: try row.int("gather_seconds"), enabled: try row.bool("enabled"),
            createdAt: try row.date("created_at"))
    }

    static func decodeNotification(_ row: Row) throws -> AlertNotification {
        AlertNotification(
            id: try row.uuid("id"), routeId: try row.uuid("route_id"),
            status: AlertNotification.Status(rawValue: try row.string("status")) ?? .sending, test: try row.bool("test"),
            alertCount: try row.int("alert_count"), attempts: try row.int("attempts"), lastError: row.optionalString("last_error"),
            createdAt: try row.date("created_at"), sentAt: try row.optionalDate("sent_at"))
    }
}
