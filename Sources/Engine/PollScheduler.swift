import Foundation
public import Domain
public import Persistence

/// The `paytrace.poll` jobs: one per connection with `poll` on, never two (a unique index on
/// the payload's connection id), none for an hour after one died (a refused password would
/// otherwise be retried against PayTrace forever). Each poll queues the next when it completes.
public enum PollScheduler {
    public static let defaultInterval = 300
    static let maxAttempts = 50
    static let quietAfterDeath = 3600

    /// Queues a first poll for every polling connection in `tenants` that has none; platform scope.
    @discardableResult
    public static func scheduleMissing(_ tx: Transaction, tenants: TenantScope) throws -> Int {
        let due = try PollCursorStore.unpolled(tx, kind: .paytrace, pollKind: .payTracePoll, quietAfterDeath: quietAfterDeath, tenants: tenants)
        let jobs = due.map { poll(tenantId: $0.tenantId, environment: $0.environment, connectionId: $0.connectionId, at: nil) }
        return try JobQueue.enqueue(tx, jobs, skippingConflicts: true).count
    }

    /// The next poll of `connectionId`, `after` seconds from now (in the completing transaction).
    static func scheduleNext(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID, after seconds: Int) throws {
        let job = poll(tenantId: tenantId, environment: environment, connectionId: connectionId, at: Date().addingTimeInterval(TimeInterval(seconds)))
        try JobQueue.enqueue(tx, [job], skippingConflicts: true)
    }

    static func poll(tenantId: UUID, environment: EnvironmentName, connectionId: UUID, at runAt: Date?) -> NewJob {
        let id = connectionId.lowercasedText
        return NewJob(
            tenantId: tenantId, environment: environment, kind: .payTracePoll, payload: JSONValue.object(["connection_id": .string(id)]).canonicalText,
            orderingKey: "poll:\(id)", maxAttempts: maxAttempts, runAt: runAt)
    }

    /// The connection a poll job's payload names.
    static func connectionId(of job: Job) -> UUID? {
        JSONValue(parsing: job.payload)?["connection_id"]?.string.flatMap(UUID.init(uuidString:))
    }
}
