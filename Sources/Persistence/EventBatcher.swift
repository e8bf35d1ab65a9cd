public import Foundation
public import Domain

/// Intake's writer: deliveries arriving together are stored together. A request thread that
/// finds fewer than `writers` batches in flight leads: it takes every delivery waiting and
/// writes them with their jobs in one statement and one commit, until its own is written, then
/// hands its place to the next waiting request; the others wait for their answer. One commit for many events is what lets intake keep up with PostgreSQL's insert
/// rate; each delivery still gets its answer only after its commit.
public final class EventBatcher: @unchecked Sendable {
    public struct NewEvent: Sendable {
        public let tenantId: UUID
        public let environment: EnvironmentName
        public let source: String
        public let vendorEventId: String
        public let type: String
        public let endpointId: UUID?
        /// JSON text, card numbers already masked.
        public let payload: String

        public init(tenantId: UUID, environment: EnvironmentName, source: String, vendorEventId: String, type: String, endpointId: UUID?, payload: String) {
            self.tenantId = tenantId
            self.environment = environment
            self.source = source
            self.vendorEventId = vendorEventId
            self.type = type
            self.endpointId = endpointId
            self.payload = payload
        }

        var key: String { "\(tenantId)|\(environment.rawValue)|\(source)|\(vendorEventId)" }
    }

    private final class Ticket {
        let event: NewEvent
        let wake: Bool
        /// Set by the leader that wrote it, before `ready` is signalled.
        var result: Result<(id: UUID, duplicate: Bool), any Error>?
        /// Set (under the lock) when a finishing leader hands its place to this ticket.
        var handedLead = false
        let ready = DispatchSemaphore(value: 0)
        init(_ event: NewEvent, wake: Bool) {
            self.event = event
            self.wake = wake
        }
    }

    let database: Database
    let writers: Int
    let maxBatch: Int
    private let lock = NSLock()
    private var waiting: [Ticket] = []
    private var writing = 0

    public init(database: Database, writers: Int = 4, maxBatch: Int = 64) {
        self.database = database
        self.writers = writers
        self.maxBatch = maxBatch
    }

    /// Stores the event and its `event.dispatch` job once; `wake` asks the batch to NOTIFY the workers.
    /// Each waiting request sleeps on its own semaphore, woken only for its answer or to lead.
    public func record(_ event: NewEvent, wake: Bool) throws -> (id: UUID, duplicate: Bool) {
        let ticket = Ticket(event, wake: wake)
        lock.lock()
        waiting.append(ticket)
        var leading = writing < writers
        if leading { writing += 1 }
        lock.unlock()
        func answered() -> Bool { lock.withLock { ticket.result != nil } }
        while true {
            if !leading {
                if answered() { break }
                ticket.ready.wait()
                lock.lock()
                if ticket.handedLead {
                    ticket.handedLead = false
                    leading = true
                }
                lock.unlock()
                continue
            }
            if answered() { break }
            lock.lock()
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            if batch.isEmpty {
                // Another leader took this ticket: give up the place and wait for the answer.
                writing -= 1
                leading = false
            }
            lock.unlock()
            guard !batch.isEmpty else { continue }
            let results = write(batch.map(\.event), wake: batch.contains { $0.wake })
            lock.withLock { for (waiter, result) in zip(batch, results) { waiter.result = result } }
            for waiter in batch where waiter !== ticket { waiter.ready.signal() }
        }
        if leading {
            // Hand the place to the next waiting request, or give it up.
            lock.lock()
            if let next = waiting.first {
                next.handedLead = true
                lock.unlock()
                next.ready.signal()
            } else {
                writing -= 1
                lock.unlock()
            }
        }
        return try lock.withLock { ticket.result! }.get()
    }

    private func write(_ events: [NewEvent], wake: Bool) -> [Result<(id: UUID, duplicate: Bool), any Error>] {
        // One row per key: a second delivery of the same event in one batch is its duplicate.
        var first: [String: Int] = [:]
        var unique: [NewEvent] = []
        for (index, event) in events.enumerated() where first[event.key] == nil {
            first[event.key] = index
            unique.append(event)
        }
        do {
            let rows = try database.pipelinedPlatformTransaction([Self.statement(unique, wake: wake)]).first ?? []
            var stored: [Int: (UUID, Bool)] = [:]
            for row in rows { stored[try row.int("n") - 1] = (try row.uuid("id"), try row.bool("duplicate")) }
            return events.enumerated().map { index, event in
                let leader = first[event.key]!
                let position = unique.firstIndex { $0.key == event.key }!
                // Not inserted: an earlier delivery of it is stored (a retry, rare); answered alone.
                guard let (id, duplicate) = stored[position] else {
                    return Result { try EventStore.record(database, tenantId: event.tenantId, environment: event.environment, source: event.source,
                                                          vendorEventId: event.vendorEventId, type: event.type, endpointId: event.endpointId,
                                                          payload: event.payload, wake: false) }
                }
                return .success((id, duplicate || leader != index))
            }
        } catch {
            // A batch that failed as a whole is retried one event at a time, so one bad row fails alone.
            return events.map { event in
                Result { try EventStore.record(database, tenantId: event.tenantId, environment: event.environment, source: event.source,
                                               vendorEventId: event.vendorEventId, type: event.type, endpointId: event.endpointId,
                                               payload: event.payload, wake: wake) }
            }
        }
    }

    static func statement(_ events: [NewEvent], wake: Bool) -> (sql: String, parameters: [any SQLBindable]) {
        ("""
            WITH input AS (
              SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[])
                WITH ORDINALITY AS x(tenant_id, environment, source, vendor_event_id, type, endpoint_id, payload, n)
            ),
            parsed AS (SELECT *, payload::jsonb AS j FROM input),
            inserted AS (
              INSERT INTO events (tenant_id, environment, source, vendor_event_id, type, endpoint_id, payload)
              SELECT tenant_id, environment, source, vendor_event_id, \(EventStore.typeExpression("type", "j")), endpoint_id, j FROM parsed ORDER BY n
              ON CONFLICT (tenant_id, environment, source, vendor_event_id) DO NOTHING
              RETURNING id, tenant_id, environment, source, vendor_event_id
            ),
            queued AS (
              INSERT INTO jobs (tenant_id, environment, kind, event_id) SELECT tenant_id, environment, 'event.dispatch', id FROM inserted RETURNING id
            ),
            woken AS (SELECT pg_notify($8, '') FROM (SELECT 1 FROM queued LIMIT 1) q WHERE $9)
            SELECT i.n, ins.id, false AS duplicate
            FROM input i
            CROSS JOIN (SELECT count(*) FROM woken) w
            JOIN inserted ins ON ins.tenant_id = i.tenant_id AND ins.environment = i.environment AND ins.source = i.source
                             AND ins.vendor_event_id = i.vendor_event_id
            """, [SQLArray(events.map { $0.tenantId.uuidString.lowercased() }), SQLArray(events.map(\.environment.rawValue)),
                  SQLArray(events.map(\.source)), SQLArray(events.map(\.vendorEventId)), SQLArray(events.map(\.type)),
                  SQLArray(events.map { $0.endpointId?.uuidString.lowercased() }), SQLArray(events.map(\.payload)), JobQueue.channel, wake])
    }
}
