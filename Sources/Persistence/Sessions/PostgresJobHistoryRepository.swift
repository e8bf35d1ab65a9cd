import Foundation
import Domain

/// `JobHistoryRepository` over `JobHistory`, in the session's transaction.
struct PostgresJobHistoryRepository: JobHistoryRepository {
    let tx: Transaction

    func jobs(tenantId: UUID, eventId: UUID) throws -> [JobRecord] {
        try JobHistory.jobs(tx, tenantId: tenantId, eventId: eventId)
    }

    func job(tenantId: UUID, environment: EnvironmentName, id: Int64) throws -> JobRecord? {
        try JobHistory.job(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func attempts(tenantId: UUID, jobIds: [Int64]) throws -> [JobAttempt] {
        try JobHistory.attempts(tx, tenantId: tenantId, jobIds: jobIds)
    }

    func deadLetters(tenantId: UUID, environment: EnvironmentName, kind: JobKind?, after cursor: (Date, Int64)?, limit: Int) throws -> (
        items: [JobRecord], next: (Date, Int64)?
    ) {
        try JobHistory.deadLetters(tx, tenantId: tenantId, environment: environment, kind: kind, after: cursor, limit: limit)
    }

    func deadLetterCounts(tenantId: UUID) throws -> [EnvironmentName: Int] {
        try JobHistory.deadLetterCounts(tx, tenantId: tenantId)
    }

    func replay(tenantId: UUID, environment: EnvironmentName, id: Int64, extraAttempts: Int) throws -> Int64? {
        try JobHistory.replay(tx, tenantId: tenantId, environment: environment, id: id, extraAttempts: extraAttempts)
    }

    func replayDead(tenantId: UUID, environment: EnvironmentName, kind: JobKind?, since: Date?, until: Date?, limit: Int) throws -> [Int64] {
        try JobHistory.replayDead(tx, tenantId: tenantId, environment: environment, kind: kind, since: since, until: until, limit: limit)
    }
}
