/// Where an event's processing is: some job of it still queued or running (`pending`), all done
/// (`completed`), or a job of it dead and not replayed (`dead`).
public enum EventStatus: String, Sendable, CaseIterable {
    case pending, completed, dead
}
