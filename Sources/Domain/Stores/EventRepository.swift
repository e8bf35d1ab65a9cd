public import Foundation

/// Events as they arrived, once each.
public protocol EventRepository {
    /// Stores the event and queues its first job (of `firstJob`, the engine's concern), once: a
    /// repeated delivery returns the first event's id and `duplicate`, and creates nothing.
    /// `wake` false leaves the workers to find the job by polling (intake sends NOTIFY only now
    /// and then: it serializes commits).
    func record(_ event: NewEvent, firstJob: JobKind, wake: Bool) throws -> (id: UUID, duplicate: Bool)

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Event?

    /// Newest first, by (received_at, id) descending; the cursor is the last row's pair.
    func list(tenantId: UUID, environment: EnvironmentName, filter: EventFilter, after cursor: PageCursor?, limit: Int) throws -> Page<Event>
}

/// The defaults of the arguments callers may leave out.
extension EventRepository {
    public func record(_ event: NewEvent, firstJob: JobKind) throws -> (id: UUID, duplicate: Bool) {
        try self.record(event, firstJob: firstJob, wake: true)
    }
}
