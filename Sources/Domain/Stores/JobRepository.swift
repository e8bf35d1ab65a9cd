public import Foundation

/// The job queue: queueing, claiming, completing and its depth.
public protocol JobRepository {
    /// Inserts jobs (one statement for any number) and wakes the workers when the transaction commits.
    /// A job of an event makes the event pending again (a step queued after the one that
    /// completed it, a resume): an event is done only when none of its jobs is left. With
    /// `skippingConflicts`, a job a unique index already has one of (a connection's poll) is left out.
    @discardableResult
    func enqueue(_ jobs: [NewJob], skippingConflicts: Bool) throws -> [Int64]

    /// Claims up to `limit` ready jobs for `worker`, at most `perTenant` of any one tenant, under a
    /// lease of `leaseSeconds`; records the attempt. Run in the platform scope.
    /// `tenants` limits the claim to some tenants (diagnostics and tests).
    func claim(worker: String, limit: Int, perTenant: Int, leaseSeconds: Int, tenants: TenantScope) throws -> [Job]

    /// Whether a job of `kind` whose payload contains these fields is queued or running (a
    /// resume must not queue a second step of a run).
    func hasPending(tenantId: UUID, kind: JobKind, payloadContaining fields: [String: String]) throws -> Bool

    /// Moves a running job to history as completed, in the caller's transaction (with the job's
    /// effects); throws `LeaseLost` when the job is no longer this attempt's.
    func complete(_ job: Job, summary: String?) throws

    /// Moves a running job to the dead letters, with an alert.
    func kill(_ job: Job, error: String) throws

    /// Puts a failed job back for another attempt at `runAt`; false when the lease was lost.
    @discardableResult
    func retry(_ job: Job, at runAt: Date, error: String) throws -> Bool

    /// Gives back jobs claimed but not started (shutdown): the attempt is undone.
    func release(_ jobs: [Job]) throws

    /// Jobs whose lease ran out (their worker died) go back to the queue, or to the dead letters
    /// when that was their last attempt. Run in the platform scope; returns how many came back.
    @discardableResult
    func reapExpiredLeases(tenants: TenantScope) throws -> Int

    /// Completed jobs (and their attempts) finished more than `days` ago leave the history, a
    /// batch at a time, so it stays a size PostgreSQL keeps in memory. Dead ones stay until
    /// replayed or purged by hand. Run in the platform scope; returns how many went.
    @discardableResult
    func purgeHistory(olderThanDays days: Int, tenants: TenantScope, limit: Int) throws -> Int

    func depth(tenantId: UUID?) throws -> [QueueDepth]
}

/// The defaults of the arguments callers may leave out.
extension JobRepository {
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) throws -> [Int64] {
        try self.enqueue(jobs, skippingConflicts: false)
    }

    public func claim(worker: String, limit: Int, perTenant: Int, leaseSeconds: Int) throws -> [Job] {
        try self.claim(worker: worker, limit: limit, perTenant: perTenant, leaseSeconds: leaseSeconds, tenants: .all)
    }

    public func complete(_ job: Job) throws {
        try self.complete(job, summary: nil)
    }

    @discardableResult
    public func reapExpiredLeases() throws -> Int {
        try self.reapExpiredLeases(tenants: .all)
    }

    @discardableResult
    public func purgeHistory(olderThanDays days: Int) throws -> Int {
        try self.purgeHistory(olderThanDays: days, tenants: .all, limit: 5000)
    }

    public func depth() throws -> [QueueDepth] {
        try self.depth(tenantId: nil)
    }
}
