import Foundation
import Persistence
import Domain

/// Intake's writer: deliveries arriving together are stored together. Up to `writers` threads
/// each take every delivery waiting (at most `maxBatch`) and write them with their jobs in one
/// statement and one commit, then answer each; a delivery still gets its answer only after its
/// commit. One commit for many events is what lets intake keep up with PostgreSQL's insert rate,
/// and answering from the writer spares the request a thread of its own while it waits.
/// Writers start on demand and stop after `idleSeconds` without work. Each event's first job is
/// an `event.dispatch`, which the engine takes from there.
final class EventBatcher: @unchecked Sendable {
    typealias Outcome = Result<(id: UUID, duplicate: Bool), any Error>

    private struct Waiting {
        let event: NewEvent
        let wake: Bool
        let answer: @Sendable (Outcome) -> Void
    }

    let database: Database
    let writers: Int
    let maxBatch: Int
    let idleSeconds: Double
    private let condition = NSCondition()
    private var waiting: [Waiting] = []
    private var running = 0
    private var idle = 0

    /// One writer per core by default: each keeps a PostgreSQL backend busy, and with more
    /// writers than cores their transactions only contend for the same index pages. On 2 cores,
    /// 2 writers took 10.3k to 12.0k signed deliveries/s where 4 took 9.3k to 9.8k, with half
    /// the p99 (`bench/ingest`'s load, one after the other).
    static var defaultWriters: Int { max(2, ProcessInfo.processInfo.activeProcessorCount) }

    init(database: Database, writers: Int = EventBatcher.defaultWriters, maxBatch: Int = 64, idleSeconds: Double = 10) {
        self.database = database
        self.writers = writers
        self.maxBatch = maxBatch
        self.idleSeconds = idleSeconds
    }

    /// Queues the event and its `event.dispatch` job; `answer` is called once, on a writer thread,
    /// after the commit (or the failure). `wake` asks the batch to NOTIFY the workers. Never blocks.
    func submit(_ event: NewEvent, wake: Bool, answer: @escaping @Sendable (Outcome) -> Void) {
        condition.lock()
        waiting.append(Waiting(event: event, wake: wake, answer: answer))
        if idle > 0 {
            condition.signal()
        } else if running < writers {
            running += 1
            let thread = Thread { [self] in writeUntilIdle() }
            thread.name = "event-writer"
            thread.stackSize = 1 << 20
            thread.start()
        }
        condition.unlock()
    }

    /// The same, waiting for the answer.
    func record(_ event: NewEvent, wake: Bool) throws -> (id: UUID, duplicate: Bool) {
        let done = DispatchSemaphore(value: 0)
        let box = OutcomeBox()
        submit(event, wake: wake) { outcome in
            box.outcome = outcome
            done.signal()
        }
        done.wait()
        return try box.outcome!.get()
    }

    private final class OutcomeBox: @unchecked Sendable {
        var outcome: Outcome?
    }

    private func writeUntilIdle() {
        condition.lock()
        while true {
            while waiting.isEmpty {
                idle += 1
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: idleSeconds))
                idle -= 1
                if !signalled && waiting.isEmpty {
                    running -= 1
                    condition.unlock()
                    return
                }
            }
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            condition.unlock()
            let outcomes = write(batch.map(\.event), wake: batch.contains { $0.wake })
            for (waiter, outcome) in zip(batch, outcomes) { waiter.answer(outcome) }
            condition.lock()
        }
    }

    private func write(_ events: [NewEvent], wake: Bool) -> [Outcome] {
        // One row per key: a second delivery of the same event in one batch is its duplicate.
        var first: [String: Int] = [:]
        var unique: [NewEvent] = []
        for (index, event) in events.enumerated() where first[event.deduplicationKey] == nil {
            first[event.deduplicationKey] = index
            unique.append(event)
        }
        let alone: (NewEvent, Bool) -> Outcome = { [database] event, wake in
            Result { try database.transaction(.tenant(event.tenantId)) { try EventStore.record($0, event, firstJob: .eventDispatch, wake: wake) } }
        }
        do {
            let ids = try EventStore.recordMany(database, unique, firstJob: .eventDispatch, wake: wake)
            let position = Dictionary(uniqueKeysWithValues: unique.enumerated().map { ($1.deduplicationKey, $0) })
            return events.enumerated().map { index, event in
                // Not inserted: an earlier delivery of it is stored (a retry, rare); answered alone.
                guard let id = ids[position[event.deduplicationKey]!] else { return alone(event, false) }
                return .success((id, first[event.deduplicationKey] != index))
            }
        } catch {
            // A batch that failed as a whole is retried one event at a time, so one bad row fails alone.
            return events.map { alone($0, wake) }
        }
    }
}
