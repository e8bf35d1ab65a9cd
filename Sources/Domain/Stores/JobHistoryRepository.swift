public import Foundation

/// Jobs and attempts as operators see them, the dead letters, and replay.
public protocol JobHistoryRepository {
    func jobs(tenantId: UUID, eventId: UUID) throws -> [JobRecord]

    func job(tenantId: UUID, environment: EnvironmentName, id: Int64) throws -> JobRecord?

    func attempts(tenantId: UUID, jobIds: [Int64]) throws -> [JobAttempt]

    /// Dead jobs not yet replayed, newest first; the cursor is (finished_at, id) of the last row.
    func deadLetters(tenantId: UUID, environment: EnvironmentName, kind: JobKind?, after cursor: (Date, Int64)?, limit: Int) throws -> (
        items: [JobRecord], next: (Date, Int64)?
    )

    /// Dead jobs not yet replayed, per environment.
    func deadLetterCounts(tenantId: UUID) throws -> [EnvironmentName: Int]

    /// Queues a dead job again as a new job of its run; nil when it is not dead or was replayed.
    func replay(tenantId: UUID, environment: EnvironmentName, id: Int64, extraAttempts: Int) throws -> Int64?

    /// Replays every dead, not yet replayed job of the environment that matches; returns the new ids.
    func replayDead(tenantId: UUID, environment: EnvironmentName, kind: JobKind?, since: Date?, until: Date?, limit: Int) throws -> [Int64]
}

/// The defaults of the arguments callers may leave out.
extension JobHistoryRepository {
    public func replay(tenantId: UUID, environment: EnvironmentName, id: Int64) throws -> Int64? {
        try self.replay(tenantId: tenantId, environment: environment, id: id, extraAttempts: 8)
    }
}
