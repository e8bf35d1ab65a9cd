import Foundation
import Logging
import Persistence
import Domain

/// Commits the worker pool's finished jobs in batches: one transaction moves every job that
/// finished meanwhile to history, with its effects, so a commit (and its WAL flush) serves many
/// jobs instead of one. While a batch commits, the next one gathers, so a lone job waits for no
/// timer. Each job's effects still commit exactly with its own completion: a batch commits whole
/// or not at all, and when it fails (one job's effects throw, a deadlock) every job in it is
/// committed again in a transaction of its own, where a failure is that job's alone.
final class CompletionCommitter: @unchecked Sendable {
    struct Finished {
        let job: Job
        let effects: JobEffects
        let summary: String?
    }

    /// The following jobs a commit took for this pool's workers: their hand-offs travel held with
    /// the transaction's later statements (`JobQueue.enqueueTaken(_:_:worker:leaseSeconds:then:)`),
    /// so the jobs are known once it has committed.
    final class TakenJobs: @unchecked Sendable {
        private(set) var jobs: [Job] = []
        func add(_ job: Job) { jobs.append(job) }
    }

    /// What a finished job's effects wrote.
    struct Written {
        /// The following jobs taken for this pool's workers, filled in as the commit goes.
        var taken = TakenJobs()
        /// A following job of the job's own event was queued (a run's next step): the event is
        /// still pending, as the queueing set it, so there is nothing to settle. Settling it
        /// anyway was a statement in every batch, for all but a run's last step.
        var eventGoesOn = false
        /// The job had an ordering key and queued nothing of its own to follow it in that line:
        /// the line's next job may be ready once this commits.
        var freesLine = false
    }

    /// What a commit did: how many jobs it completed, the following jobs it took, and whether
    /// one of them freed its ordering line.
    struct Committed {
        var count = 0
        private var takenBy: [TakenJobs] = []
        var freedLine = false

        init() {}

        /// One job completed, with what its effects wrote.
        init(one written: Written) {
            count = 1
            takenBy = [written.taken]
            freedLine = written.freesLine
        }

        mutating func add(_ other: Committed) {
            count += other.count
            takenBy += other.takenBy
            freedLine = freedLine || other.freedLine
        }

        /// The following jobs taken; read once the commit is done.
        var taken: [Job] { takenBy.flatMap(\.jobs) }
    }

    /// Workers wait before handing over more than this many uncommitted jobs: claimed work
    /// cannot run ahead of its commits without bound.
    static let pendingLimit = 512

    private let database: Database
    private let logger: Logger
    /// The one-job path: the job's completion and effects in their own transaction, or its
    /// failure settled. What its effects wrote (`write`) when it completed, nil when not.
    private let commitOne: (Finished) -> Written?
    /// A job's effects and the jobs to follow it, in the transaction completing it: the
    /// following jobs it took for this pool's workers, and whether its event goes on.
    private let write: (Finished, Transaction) throws -> Written
    /// What a commit did.
    private let committed: (Committed) -> Void
    private let condition = NSCondition()
    private var pending = CompletionLine()
    private var closed = false
    private var running = false

    init(
        database: Database, logger: Logger, commitOne: @escaping (Finished) -> Written?, write: @escaping (Finished, Transaction) throws -> Written,
        committed: @escaping (Committed) -> Void
    ) {
        self.database = database
        self.logger = logger
        self.commitOne = commitOne
        self.write = write
        self.committed = committed
    }

    func start() {
        condition.lock()
        running = true
        condition.unlock()
        let thread = Thread { [self] in loop() }
        thread.name = "job-committer"
        thread.start()
    }

    /// Hands over a finished job; blocks while too many wait. After `close`, commits it here.
    func submit(_ finished: Finished) {
        condition.lock()
        while pending.count >= Self.pendingLimit && !closed { condition.wait() }
        if closed || !running {
            condition.unlock()
            if let written = commitOne(finished) { committed(Committed(one: written)) }
            return
        }
        pending.add(finished)
        condition.broadcast()
        condition.unlock()
    }

    /// Commits what is handed over so far, then stops; later hand-overs commit on their own thread.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        // The last batch's size and time, taught to the line under the next round's lock.
        var last: (jobs: Int, seconds: Double)?
        while true {
            condition.lock()
            if let last { pending.learn(jobs: last.jobs, took: last.seconds) }
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty {
                running = false
                condition.broadcast()
                condition.unlock()
                return
            }
            // The oldest work first, as many as commit in a short while (`CompletionLine`).
            let batch = pending.nextBatch()
            condition.broadcast()
            condition.unlock()
            let started = ContinuousClock.now
            let done = commit(batch)
            let took = ContinuousClock.now - started
            last = (batch.count, Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
            committed(done)
        }
    }

    /// What committing `batch` did.
    private func commit(_ batch: [Finished]) -> Committed {
        if batch.count == 1 { return commitOne(batch[0]).map(Committed.init(one:)) ?? Committed() }
        do {
            var done = Committed()
            let leftOut = try database.transaction(.platform) { tx -> [Finished] in
                done = Committed()
                let completed = try JobQueue.complete(tx, batch.map { JobQueue.Completion(job: $0.job, summary: $0.summary) })
                // Each tenant's effects under that tenant's scope, so row-level security binds them
                // as it would in a transaction of their own.
                var tenants: [UUID] = []
                var byTenant: [UUID: [Finished]] = [:]
                for finished in batch where completed.contains(finished.job.id) {
                    if byTenant[finished.job.tenantId] == nil { tenants.append(finished.job.tenantId) }
                    byTenant[finished.job.tenantId, default: []].append(finished)
                }
                for tenant in tenants {
                    let scoped = try tx.narrowed(to: tenant)
                    var settling: [UUID] = []
                    for finished in byTenant[tenant] ?? [] {
                        let written = try write(finished, scoped)
                        done.add(Committed(one: written))
                        if let event = finished.job.eventId, !written.eventGoesOn { settling.append(event) }
                    }
                    try JobQueue.settleEvents(scoped, tenantId: tenant, settling)
                }
                return batch.filter { !completed.contains($0.job.id) }
            }
            // Lost leases and deleted tenants: the one-job path says which, and settles them.
            done.add(commitEach(leftOut))
            return done
        } catch {
            logger.debug("a batch of completions failed; committing its jobs one at a time", metadata: ["jobs": "\(batch.count)", "error": "\(error)"])
            return commitEach(batch)
        }
    }

    private func commitEach(_ jobs: [Finished]) -> Committed {
        var done = Committed()
        for finished in jobs {
            if let written = commitOne(finished) { done.add(Committed(one: written)) }
        }
        return done
    }
}
