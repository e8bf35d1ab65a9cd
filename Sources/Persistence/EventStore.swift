public import Foundation
public import Domain

/// Events as they arrived (card numbers already masked), one per (tenant, environment, source,
/// vendor event id), with the jobs that process them.
public enum EventStore {
    /// Stores the event and queues its first job (of `firstJob`, the engine's concern), once: a
    /// repeated delivery returns the first event's id and `duplicate`, and creates nothing.
    /// `wake` false leaves the workers to find the job by polling (intake sends NOTIFY only now
    /// and then: it serializes commits).
    public static func record(_ tx: Transaction, _ event: NewEvent, firstJob: JobKind, wake: Bool = true) throws -> (id: UUID, duplicate: Bool) {
        let statement = insertion([event], firstJob: firstJob, wake: wake)
        if let id = try inserted(tx.query(statement.sql, statement.parameters), count: 1)[0] { return (id, false) }
        return try existing(tx, event)
    }

    /// Stores many events in one statement and one commit, as `record` does one: intake's
    /// batches. The events must have distinct keys (the caller's concern). Returns, per position
    /// in `events`, the id of the event stored now, or nil where the key was stored before.
    public static func recordMany(_ database: Database, _ events: [NewEvent], firstJob: JobKind, wake: Bool) throws -> [UUID?] {
        let statement = insertion(events, firstJob: firstJob, wake: wake)
        return try inserted(database.pipelinedPlatformTransaction([statement]).first ?? [], count: events.count)
    }

    /// Inserts the events (one row per key), a `firstJob` job for each and, when `wake`, one
    /// NOTIFY; returns the ids of those it inserted, with `n` the 1-based position in `events`.
    /// The payloads arrive as `jsonb[]`, parsed once each as the array is read: a `::jsonb` cast
    /// in a subquery is inlined into every place that names its column, and intake's profile
    /// showed PostgreSQL parsing each body three times (the column and the body's `type`).
    static func insertion(_ events: [NewEvent], firstJob: JobKind, wake: Bool) -> (sql: String, parameters: [any SQLBindable]) {
        (
            """
            WITH input AS (
              SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::jsonb[])
                WITH ORDINALITY AS x(tenant_id, environment, source, vendor_event_id, type, endpoint_id, payload, n)
            ),
            inserted AS (
              INSERT INTO events (tenant_id, environment, source, vendor_event_id, type, endpoint_id, payload)
              SELECT tenant_id, environment, source, vendor_event_id, \(typeExpression("type", "payload")), endpoint_id, payload FROM input ORDER BY n
              ON CONFLICT (tenant_id, environment, source, vendor_event_id) DO NOTHING
              RETURNING id, tenant_id, environment, source, vendor_event_id
            ),
            queued AS (
              INSERT INTO jobs (tenant_id, environment, kind, event_id) SELECT tenant_id, environment, $10, id FROM inserted RETURNING id
            ),
            woken AS (SELECT pg_notify($8, '') FROM (SELECT 1 FROM queued LIMIT 1) q WHERE $9)
            SELECT i.n, ins.id
            FROM input i
            CROSS JOIN (SELECT count(*) FROM woken) w
            JOIN inserted ins ON ins.tenant_id = i.tenant_id AND ins.environment = i.environment AND ins.source = i.source
                             AND ins.vendor_event_id = i.vendor_event_id
            """,
            [
                SQLArray(events.map { $0.tenantId.lowercasedText }), SQLArray(events.map(\.environment.rawValue)),
                SQLArray(events.map(\.source)), SQLArray(events.map(\.vendorEventId)), SQLArray(events.map(\.type)),
                SQLArray(events.map { $0.endpointId?.lowercasedText }), SQLArray(events.map(\.payload)), JobQueue.channel, wake,
                firstJob.rawValue,
            ]
        )
    }

    /// The rows of `insertion` as an id per position, nil where nothing was inserted.
    static func inserted(_ rows: [Row], count: Int) throws -> [UUID?] {
        var ids = [UUID?](repeating: nil, count: count)
        for row in rows { ids[try row.int("n") - 1] = try row.uuid("id") }
        return ids
    }

    /// The event's type: the sender's header if it gave one, else the body's own top-level "type".
    static func typeExpression(_ given: String, _ json: String) -> String {
        "coalesce(nullif(\(given), ''), CASE WHEN jsonb_typeof(\(json)) = 'object' THEN \(json) ->> 'type' END, '')"
    }

    private static func existing(_ tx: Transaction, _ event: NewEvent) throws -> (id: UUID, duplicate: Bool) {
        guard
            let row = try tx.one(
                "SELECT id FROM events WHERE tenant_id = $1 AND environment = $2 AND source = $3 AND vendor_event_id = $4",
                [event.tenantId, event.environment.rawValue, event.source, event.vendorEventId])
        else {
            throw DomainError.notFound("event")
        }
        return (try row.uuid("id"), true)
    }

    /// Which of `vendorEventIds` (of `source`) are stored already.
    public static func existingVendorEventIds(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, source: String, _ vendorEventIds: [String]
    ) throws -> Set<String> {
        guard !vendorEventIds.isEmpty else { return [] }
        return Set(
            try tx.query(
                """
                SELECT vendor_event_id FROM events
                WHERE tenant_id = $1 AND environment = $2 AND source = $3 AND vendor_event_id = ANY($4::text[])
                """, [tenantId, environment.rawValue, source, SQLArray(vendorEventIds)]
            ).map { try $0.string("vendor_event_id") })
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Event? {
        try tx.read(get(tenantId: tenantId, environment: environment, id: id))
    }

    /// The event, as a read that can travel with others (`Transaction.read`).
    public static func get(tenantId: UUID, environment: EnvironmentName, id: UUID) -> Read<Event?> {
        Read("SELECT \(columns) FROM events WHERE tenant_id = $1 AND environment = $2 AND id = $3", [tenantId, environment.rawValue, id]) {
            try $0.first.map(decode)
        }
    }

    /// Newest first, by (received_at, id) descending; the cursor is the last row's pair.
    public static func list(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, filter: EventFilter, after cursor: PageCursor?,
        limit: Int
    ) throws -> Page<Event> {
        let rows = try tx.query(
            """
            SELECT \(columns) FROM events
            WHERE tenant_id = $1 AND environment = $2 AND ($3::text IS NULL OR source = $3) AND ($4::text IS NULL OR status = $4)
              AND ($5::timestamptz IS NULL OR received_at >= $5) AND ($6::timestamptz IS NULL OR received_at < $6)
              AND ($7::timestamptz IS NULL OR (received_at, id) < ($7, $8::uuid))
            ORDER BY received_at DESC, id DESC LIMIT $9
            """,
            [
                tenantId, environment.rawValue, filter.source, filter.status?.rawValue, filter.since, filter.until,
                cursor?.createdAt, cursor?.id, limit + 1,
            ])
        let items = try rows.prefix(limit).map(decode)
        return Page(items: items, nextCursor: rows.count > limit ? items.last.map { PageCursor(createdAt: $0.receivedAt, id: $0.id) } : nil)
    }

    static let columns = "id, tenant_id, environment, source, vendor_event_id, type, endpoint_id, payload::text AS payload, status, received_at"

    static func decode(_ row: Row) throws -> Event {
        Event(
            id: try row.uuid("id"), tenantId: try row.uuid("tenant_id"), environment: EnvironmentName(rawValue: try row.string("environment")) ?? .dev,
            source: try row.string("source"), vendorEventId: try row.string("vendor_event_id"), type: try row.string("type"),
            endpointId: try row.optionalUUID("endpoint_id"), payload: try row.string("payload"), status: try row.value("status"),
            receivedAt: try row.date("received_at"))
    }
}
