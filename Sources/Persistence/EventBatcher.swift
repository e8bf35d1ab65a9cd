public import Foundation
import Domain

/// Intake's writer: deliveries arriving together are stored together. A request thread that
/// finds fewer than `writers` batches in flight leads: it takes every delivery waiting and
/// writes them with their jobs in one statement and one commit, until its own is written, then
/// hands its place to the next waiting request; the others wait for their answer. One commit for many events is what lets intake keep up with PostgreSQL's insert
/// rate; each delivery still gets its answer only after its commit.
public final class EventBatcher: @unchecked Sendable {
    public typealias NewEvent = EventStore.NewEvent

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
        let alone: (NewEvent, Bool) -> Result<(id: UUID, duplicate: Bool), any Error> = { [database] event, wake in
            Result { try database.transaction(.tenant(event.tenantId)) { try EventStore.record($0, event, wake: wake) } }
        }
        do {
            let statement = EventStore.insertion(unique, wake: wake)
            let ids = try EventStore.inserted(database.pipelinedPlatformTransaction([statement]).first ?? [], count: unique.count)
            let position = Dictionary(uniqueKeysWithValues: unique.enumerated().map { ($1.key, $0) })
            return events.enumerated().map { index, event in
                // Not inserted: an earlier delivery of it is stored (a retry, rare); answered alone.
                guard let id = ids[position[event.key]!] else { return alone(event, false) }
                return .success((id, first[event.key] != index))
            }
        } catch {
            // A batch that failed as a whole is retried one event at a time, so one bad row fails alone.
            return events.map { alone($0, wake) }
        }
    }
}
