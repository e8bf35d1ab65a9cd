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

    /// What a finished job's effects wrote.
    struct Written {
        /// The following jobs taken for this pool's workers.
        var taken: [Job] = []
        /// A following job of the job's own event was queued (a run's next step): the event is
        /// still pending, as the queueing set it, so there is nothing to settle. Settling it
        /// anyway was a statement in every batch, for all but a run's last step.
        var eventGoesOn = false
    }

    /// Workers wait before handing over more than this many uncommitted jobs: claimed work
    /// cannot run ahead of its commits without bound.
    static let pendingLimit = 512

    private let database: Database
    private let logger: Logger
    /// The one-job path: the job's completion and effects in their own transaction, or its
    /// failure settled. The jobs it took to follow when it completed (`write`), nil when not.
    private let commitOne: (Finished) -> [Job]?
    /// A job's effects and the jobs to follow it, in the transaction completing it: the
    /// following jobs it took for this pool's workers, and whether its event goes on.
    private let write: (Finished, Transaction) throws -> Written
    /// How many jobs completed in a commit, and the following jobs it took.
    private let committed: (Int, [Job]) -> Void
    private let condition = NSCondition()
    private var pending = CompletionLine()
    private var closed = false
    private var running = false

    init(
        database: Database, logger: Logger, commitOne: @escaping (Finished) -> [Job]?, write: @escaping (Finished, Transaction) throws -> Written,
        committed: @escaping (Int, [Job]) -> Void
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
            if let taken = commitOne(finished) { committed(1, taken) }
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
            let (count, taken) = commit(batch)
            let took = ContinuousClock.now - started
            last = (batch.count, Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
            committed(count, taken)
        }
    }

    /// How many of `batch` completed, and the following jobs they took.
    private func commit(_ batch: [Finished]) -> (Int, [Job]) {
        if batch.count == 1 { return commitOne(batch[0]).map { (1, $0) } ?? (0, []) }
        do {
            var taken: [Job] = []
            let leftOut = try database.transaction(.platform) { tx -> [Finished] in
                taken = []
                let done = try JobQueue.complete(tx, batch.map { JobQueue.Completion(job: $0.job, summary: $0.summary) })
                // Each tenant's effects under that tenant's scope, so row-level security binds them
                // as it would in a transaction of their own.
                var tenants: [UUID] = []
                var byTenant: [UUID: [Finished]] = [:]
                for finished in batch where done.contains(finished.job.id) {
                    if byTenant[finished.job.tenantId] == nil { tenants.append(finished.job.tenantId) }
                    byTenant[finished.job.tenantId, default: []].append(finished)
                }
                for tenant in tenants {
                    let scoped = try tx.narrowed(to: tenant)
                    var settling: [UUID] = []
                    for finished in byTenant[tenant] ?? [] {
                        let written = try write(finished, scoped)
                        taken += written.taken
                        if let event = finished.job.eventId, !written.eventGoesOn { settling.append(event) }
                    }
                    try JobQueue.settleEvents(scoped, tenantId: tenant, settling)
                }
                return batch.filter { !done.contains($0.job.id) }
            }
            // Lost leases and deleted tenants: the one-job path says which, and settles them.
            let alone = commitEach(leftOut)
            return (batch.count - leftOut.count + alone.0, taken + alone.1)
        } catch {
            logger.debug("a batch of completions failed; committing its jobs one at a time", metadata: ["jobs": "\(batch.count)", "error": "\(error)"])
            return commitEach(batch)
        }
    }

    private func commitEach(_ jobs: [Finished]) -> (Int, [Job]) {
        var count = 0
        var taken: [Job] = []
        for finished in jobs {
            guard let following = commitOne(finished) else { continue }
            count += 1
            taken += following
        }
        return (count, taken)
    }
}
