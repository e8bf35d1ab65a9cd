import Foundation
import Domain

/// `JobRepository` over `JobQueue`, in the session's transaction.
struct PostgresJobRepository: JobRepository {
    let tx: Transaction

    @discardableResult
    func enqueue(_ jobs: [NewJob], skippingConflicts: Bool) throws -> [Int64] {
        try JobQueue.enqueue(tx, jobs, skippingConflicts: skippingConflicts)
    }

    func claim(worker: String, limit: Int, perTenant: Int, leaseSeconds: Int, tenants: TenantScope) throws -> [Job] {
        try JobQueue.claim(tx, worker: worker, limit: limit, perTenant: perTenant, leaseSeconds: leaseSeconds, tenants: tenants)
    }

    func hasPending(tenantId: UUID, kind: JobKind, payloadContaining fields: [String: String]) throws -> Bool {
        try JobQueue.hasPending(tx, tenantId: tenantId, kind: kind, payloadContaining: fields)
    }

    func complete(_ job: Job, summary: String?) throws {
        try JobQueue.complete(tx, job, summary: summary)
    }

    func kill(_ job: Job, error: String) throws {
        try JobQueue.kill(tx, job, error: error)
    }

    @discardableResult
    func retry(_ job: Job, at runAt: Date, error: String) throws -> Bool {
        try JobQueue.retry(tx, job, at: runAt, error: error)
    }

    func release(_ jobs: [Job]) throws {
        try JobQueue.release(tx, jobs)
    }

    @discardableResult
    func reapExpiredLeases(tenants: TenantScope) throws -> Int {
        try JobQueue.reapExpiredLeases(tx, tenants: tenants)
    }

    @discardableResult
    func purgeHistory(olderThanDays days: Int, tenants: TenantScope, limit: Int) throws -> Int {
        try JobQueue.purgeHistory(tx, olderThanDays: days, tenants: tenants, limit: limit)
    }

    func depth(tenantId: UUID?) throws -> [QueueDepth] {
        try JobQueue.depth(tx, tenantId: tenantId)
    }
}
