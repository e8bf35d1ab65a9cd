public import Foundation
public import Domain

/// Alerts for people: raised by the product (a chargeback, a connection's breaker opening),
/// acknowledged by a tenant admin. One unacknowledged alert per subject at a time.
public enum AlertStore {
    static let columns = "id, environment, kind, severity, subject, message, created_at, acknowledged_at, acknowledged_by, resolution"

    /// Raises the alert unless one for the subject is still unacknowledged; true when raised.
    @discardableResult
    public static func raise(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, kind: Alert.Kind, subject: String, message: String) throws -> Bool
    {
        try tx.one(
            """
            INSERT INTO alerts (tenant_id, environment, kind, subject, message) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (tenant_id, environment, kind, subject) WHERE acknowledged_at IS NULL DO NOTHING RETURNING id
            """, [tenantId, environment.rawValue, kind.rawValue, subject, message]) != nil
    }

    public static func list(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, _ filter: AlertFilter, after cursor: PageCursor?, limit: Int)
        throws -> Page<Alert>
    {
        try Paging.fetch(
            tx,
            """
            SELECT \(columns) FROM alerts WHERE tenant_id = $1 AND environment = $2
              AND ($3::boolean IS NULL OR (acknowledged_at IS NULL) = $3) AND ($4::text IS NULL OR kind = $4)
              AND ($5::text IS NULL OR clearline_severity_rank(severity) >= clearline_severity_rank($5))
            """, [tenantId, environment.rawValue, filter.open, filter.kind?.rawValue, filter.minSeverity?.rawValue], after: cursor, limit: limit,
            decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// Acknowledges it (once: the first acknowledgement's time and person stand).
    public static func acknowledge(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID, by actor: String) throws -> Alert? {
        try tx.query(
            "UPDATE alerts SET acknowledged_at = now(), acknowledged_by = $4 WHERE tenant_id = $1 AND environment = $2 AND id = $3 AND acknowledged_at IS NULL",
            [tenantId, environment.rawValue, id, actor])
        return try tx.one("SELECT \(columns) FROM alerts WHERE tenant_id = $1 AND environment = $2 AND id = $3", [tenantId, environment.rawValue, id]).map(
            decode)
    }

    /// An open alert's incident: what makes two alerts one cause (see `AlertIncident`).
    static let incidentKey = """
        md5(kind || ':' || CASE kind
          WHEN 'job_dead' THEN regexp_replace(message, '[0-9A-Fa-f-]{8,}|[0-9]+', '#', 'g')
          WHEN 'chargeback' THEN ''
          ELSE subject END)
        """

    /// Open alerts grouped by cause, the most recent incident first.
    public static func incidents(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, limit: Int) throws -> [AlertIncident] {
        try tx.query(
            """
            SELECT \(incidentKey) AS key, kind, (array_agg(message ORDER BY created_at DESC))[1] AS summary, count(*)::int AS n,
                   min(created_at) AS first_at, max(created_at) AS last_at
            FROM alerts WHERE tenant_id = $1 AND environment = $2 AND acknowledged_at IS NULL
            GROUP BY 1, 2 ORDER BY last_at DESC, key LIMIT $3
            """, [tenantId, environment.rawValue, limit]
        ).map { row in
            AlertIncident(
                key: try row.string("key"), kind: try row.string("kind"), summary: try row.string("summary"), count: try row.int("n"),
                firstRaisedAt: try row.date("first_at"), lastRaisedAt: try row.date("last_at"))
        }
    }

    /// Acknowledges every open alert of the incident; returns how many.
    public static func acknowledgeIncident(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, key: String, by actor: String) throws -> Int {
        try tx.query(
            """
            UPDATE alerts SET acknowledged_at = now(), acknowledged_by = $4
            WHERE tenant_id = $1 AND environment = $2 AND acknowledged_at IS NULL AND \(incidentKey) = $3 RETURNING id
            """, [tenantId, environment.rawValue, key, actor]
        ).count
    }

    static func decode(_ row: Row) throws -> Alert {
        Alert(
            id: try row.uuid("id"), environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev, kind: try row.string("kind"),
            severity: Alert.Severity(rawValue: try row.string("severity")) ?? .info, subject: try row.string("subject"), message: try row.string("message"),
            createdAt: try row.date("created_at"),
            acknowledgedAt: try row.optionalDate("acknowledged_at"), acknowledgedBy: row.optionalString("acknowledged_by"),
            resolution: row.optionalString("resolution"))
    }
}
