public import Foundation
public import Domain

/// Events as they arrived (card numbers already masked), one per (tenant, environment, source,
/// vendor event id), with the jobs that process them.
public enum EventStore {
    public struct Event: Sendable, Equatable {
        public let id: UUID
        public let tenantId: UUID
        public let environment: EnvironmentName
        public let source: String
        public let vendorEventId: String
        public let type: String
        public let endpointId: UUID?
        /// JSON text.
        public let payload: String
        public let status: String
        public let receivedAt: Date
    }

    /// Stores the event and queues its first job, once: a repeated delivery returns the first
    /// event's id and `duplicate`, and creates nothing.
    public static func record(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, source: String, vendorEventId: String,
                              type: String, endpointId: UUID?, payload: String) throws -> (id: UUID, duplicate: Bool) {
        let statement = recording(tenantId, environment, source, vendorEventId, type, endpointId, payload)
        if let row = try tx.one(statement.sql, statement.parameters) { return (try row.uuid("id"), try row.bool("duplicate")) }
        return try existing(tx, tenantId, environment, source, vendorEventId)
    }

    /// The same in one round trip to PostgreSQL (BEGIN, scope, the write and COMMIT pipelined):
    /// the intake path.
    /// `wake` false leaves the workers to find the job by polling: NOTIFY serializes committing
    /// transactions on a global lock, so at high rates only some deliveries send it.
    public static func record(_ database: Database, tenantId: UUID, environment: EnvironmentName, source: String, vendorEventId: String,
                              type: String, endpointId: UUID?, payload: String, wake: Bool) throws -> (id: UUID, duplicate: Bool) {
        let statement = recording(tenantId, environment, source, vendorEventId, type, endpointId, payload, wake: wake)
        if let row = try database.pipelinedTransaction(tenant: tenantId, [statement]).first?.first {
            return (try row.uuid("id"), try row.bool("duplicate"))
        }
        return try database.transaction(.tenant(tenantId)) { try existing($0, tenantId, environment, source, vendorEventId) }
    }

    /// Insert the event, its `event.dispatch` job and the workers' wake-up, or find the event
    /// already there. No row back means an identical delivery committed during this statement.
    static func recording(_ tenantId: UUID, _ environment: EnvironmentName, _ source: String, _ vendorEventId: String, _ type: String,
                          _ endpointId: UUID?, _ payload: String, wake: Bool = true) -> (sql: String, parameters: [any SQLBindable]) {
        ("""
            WITH parsed AS (SELECT $7::jsonb AS j),
            inserted AS (
              INSERT INTO events (tenant_id, environment, source, vendor_event_id, type, endpoint_id, payload)
              SELECT $1, $2, $3, $4, \(typeExpression("$5::text", "j")), $6, j FROM parsed
              ON CONFLICT (tenant_id, environment, source, vendor_event_id) DO NOTHING RETURNING id
            ),
            job AS (
              INSERT INTO jobs (tenant_id, environment, kind, event_id) SELECT $1, $2, 'event.dispatch', id FROM inserted RETURNING id
            ),
            woken AS (SELECT pg_notify($8, '') FROM job WHERE $9)
            SELECT id, false AS duplicate FROM inserted, (SELECT count(*) FROM woken) AS w
            UNION ALL
            SELECT id, true FROM events
            WHERE tenant_id = $1 AND environment = $2 AND source = $3 AND vendor_event_id = $4 AND NOT EXISTS (SELECT 1 FROM inserted)
            """, [tenantId, environment.rawValue, source, vendorEventId, type, endpointId, payload, JobQueue.channel, wake])
    }

    /// The event's type: the sender's header if it gave one, else the body's own top-level "type".
    static func typeExpression(_ given: String, _ json: String) -> String {
        "coalesce(nullif(\(given), ''), CASE WHEN jsonb_typeof(\(json)) = 'object' THEN \(json) ->> 'type' END, '')"
    }

    private static func existing(_ tx: Transaction, _ tenantId: UUID, _ environment: EnvironmentName, _ source: String,
                                 _ vendorEventId: String) throws -> (id: UUID, duplicate: Bool) {
        guard let row = try tx.one("SELECT id FROM events WHERE tenant_id = $1 AND environment = $2 AND source = $3 AND vendor_event_id = $4",
                                   [tenantId, environment.rawValue, source, vendorEventId]) else { throw DomainError.notFound("event") }
        return (try row.uuid("id"), true)
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Event? {
        try tx.one("SELECT \(columns) FROM events WHERE tenant_id = $1 AND environment = $2 AND id = $3", [tenantId, environment.rawValue, id]).map(decode)
    }

    public struct Filter: Sendable {
        public var source: String?
        public var status: String?
        public var since: Date?
        public var until: Date?
        public init(source: String? = nil, status: String? = nil, since: Date? = nil, until: Date? = nil) {
            self.source = source
            self.status = status
            self.since = since
            self.until = until
        }
    }

    /// Newest first, by (received_at, id) descending; the cursor is the last row's pair.
    public static func list(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, filter: Filter, after cursor: PageCursor?,
                            limit: Int) throws -> Page<Event> {
        let rows = try tx.query("""
            SELECT \(columns) FROM events
            WHERE tenant_id = $1 AND environment = $2 AND ($3::text IS NULL OR source = $3) AND ($4::text IS NULL OR status = $4)
              AND ($5::timestamptz IS NULL OR received_at >= $5) AND ($6::timestamptz IS NULL OR received_at < $6)
              AND ($7::timestamptz IS NULL OR (received_at, id) < ($7, $8::uuid))
            ORDER BY received_at DESC, id DESC LIMIT $9
            """, [tenantId, environment.rawValue, filter.source, filter.status, filter.since, filter.until,
                  cursor?.createdAt, cursor?.id, limit + 1])
        let items = try rows.prefix(limit).map(decode)
        return Page(items: items, nextCursor: rows.count > limit ? items.last.map { PageCursor(createdAt: $0.receivedAt, id: $0.id) } : nil)
    }

    static let columns = "id, tenant_id, environment, source, vendor_event_id, type, endpoint_id, payload::text AS payload, status, received_at"

    static func decode(_ row: Row) throws -> Event {
        Event(id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"), environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev,
              source: try row.string("source"), vendorEventId: try row.string("vendor_event_id"), type: try row.string("type"),
              endpointId: try row.optionalUUID("endpoint_id"), payload: try row.string("payload"), status: try row.string("status"),
              receivedAt: try row.date("received_at"))
    }
}
