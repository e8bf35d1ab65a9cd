public import Foundation
public import Logging
public import Persistence
import Connectors
public import Domain

/// N worker threads fed by one dispatcher thread that claims from PostgreSQL as workers fall
/// idle. Claimed jobs wait in memory only until a worker takes them (a few beyond the idle
/// workers), and they are leased in the database: a process that dies loses nothing, its
/// jobs come back when their leases expire. A NOTIFY on enqueue wakes the dispatcher; polling
/// every `pollInterval` is the fallback. Any number of processes share one database. The queue's
/// housekeeping (expired leases, polls to schedule, old history) is `QueueHousekeeping`'s, once
/// per process, not this claim loop's.
public final class WorkerPool: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var workers: Int
        public var leaseSeconds: Int
        public var pollInterval: TimeInterval
        public var backoff: Backoff
        /// Whose jobs: all in a process of its own; some for pools that run side by side in one
        /// test process.
        public var tenants: TenantScope

        public init(workers: Int = 4, leaseSeconds: Int = 300, pollInterval: TimeInterval = 2, backoff: Backoff = Backoff(), tenants: TenantScope = .all) {
            self.workers = workers
            self.leaseSeconds = leaseSeconds
            self.pollInterval = pollInterval
            self.backoff = backoff
            self.tenants = tenants
        }
    }

    let configuration: Configuration
    let database: Database
    let vault: Vault
    let logger: Logger
    let handlers: [JobKind: any JobHandler]
    let name: String

    private let condition = NSCondition()
    private var ready: [Job] = []
    private var idle = 0
    private var busy = 0
    private var wakeRequested = false
    private var stopping = false
    private var threadsRunning = 0
    private var listener: PostgresListener?
    private var completed = 0
    /// How long a job's handler takes, on average over the last few dozen (guarded by `condition`).
    private var averageRunSeconds = 0.05
    /// Jobs claimed ahead of the idle workers. Slow jobs (vendor calls): a few, as many as the
    /// workers up to 8, so a process does not sit on work another could start. Quick jobs: enough
    /// to keep each worker busy for about 20 ms, up to 64, so one claim and one commit serve many
    /// jobs (a claim costs PostgreSQL about half a millisecond, whatever its size).
    private var prefetch: Int {
        let floor = min(configuration.workers, 8)
        let covering = Double(configuration.workers) * 0.02 / max(averageRunSeconds, 0.000_1)
        return min(max(floor, Int(covering)), 64)
    }
    /// The vendor calls these workers make, counted per connection for the dashboard.
    private lazy var callFlusher = VendorCallFlusher(database: database, logger: logger)
    /// Commits what the workers finish, many jobs per transaction.
    private lazy var committer = CompletionCommitter(
        database: database, logger: logger, commitOne: { [weak self] in self?.commit($0) },
        write: { [weak self] finished, tx in try self?.write(finished, tx) ?? .init() },
        committed: { [weak self] done in
            guard let self, done.count > 0 else { return }
            handOver(done.taken)
            condition.lock()
            completed += done.count
            // A completion that freed an ordering line can make the line's next job ready:
            // claim again now, not at the next poll. One whose run went on holds its line.
            if done.freedLine { wakeRequested = true }
            condition.broadcast()
            condition.unlock()
        })

    /// The built-in kinds plus `handlers` (which win on a clash).
    public init(database: Database, vault: Vault, configuration: Configuration, handlers: [JobKind: any JobHandler] = [:], logger: Logger) {
        self.database = database
        self.vault = vault
        self.configuration = configuration
        self.logger = logger
        self.handlers = WorkerPool.builtInHandlers.merging(handlers) { $1 }
        self.name = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    static let builtInHandlers: [JobKind: any JobHandler] = [
        .probe: ProbeHandler(),
        .eventDispatch: EventDispatchHandler(),
        .flowStep: FlowStepHandler(),
        .payTracePoll: PayTracePollHandler(),
        .settlementBackfill: SettlementBackfillHandler(),
        .reconciliation: ReconciliationHandler(),
        .settlementPosting: SettlementPostingHandler(),
        .reconciliationRepair: ReconciliationRepairHandler(),
        .paymentCharge: PaymentChargeHandler(),
        .paymentCapture: PaymentCaptureHandler(),
        .paymentInvoicePosting: PaymentInvoicePostingHandler(),
        .dueInvoiceCollection: DueInvoiceCollectionHandler(),
        .recurringInvoice: RecurringInvoiceHandler(),
        .alertNotification: AlertNotificationHandler(),
    ]

    public func start() {
        let listener = PostgresListener(
            conninfo: database.pool.conninfo, channels: [JobQueue.channel], logger: logger,
            onReconnect: { [weak self] in self?.wake() }
        ) { [weak self] _ in self?.wake() }
        self.listener = listener
        listener.start()
        callFlusher.start()
        committer.start()
        condition.lock()
        threadsRunning = configuration.workers + 1
        condition.unlock()
        for index in 0..<configuration.workers {
            let thread = Thread { [self] in workerLoop(worker: "\(name):\(index)") }
            thread.name = "worker-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        let dispatcher = Thread { [self] in dispatchLoop() }
        dispatcher.name = "job-dispatcher"
        dispatcher.start()
        logger.info("workers started", metadata: ["workers": "\(configuration.workers)", "lease_s": "\(configuration.leaseSeconds)"])
    }

    /// Stops claiming, lets running jobs finish (up to `grace`), and gives back claimed jobs no
    /// worker started.
    public func shutdown(grace: TimeInterval = 30) {
        condition.lock()
        stopping = true
        let unstarted = ready
        ready = []
        condition.broadcast()
        condition.unlock()
        if !unstarted.isEmpty {
            do { try database.transaction(.platform) { try JobQueue.release($0, unstarted) } } catch {
                logger.warning("could not give back claimed jobs; their leases will expire", metadata: ["error": "\(error)"])
            }
        }
        let deadline = Date().addingTimeInterval(grace)
        condition.lock()
        while threadsRunning > 0 && Date() < deadline { _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.1))) }
        let left = busy
        condition.unlock()
        if left > 0 { logger.warning("stopping with jobs still running; their leases will expire", metadata: ["running": "\(left)"]) }
        // What the workers finished commits before the process goes.
        committer.close()
        listener?.stop()
        callFlusher.shutdown()
        logger.info("workers stopped", metadata: ["completed": "\(completedCount)"])
    }

    /// Jobs this process completed so far.
    public var completedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return completed
    }

    func wake() {
        condition.lock()
        wakeRequested = true
        condition.broadcast()
        condition.unlock()
    }

    private func dispatchLoop() {
        while true {
            condition.lock()
            if stopping { break }
            // A few jobs beyond the idle workers wait in memory, so a worker that finishes starts
            // the next at once and one claim serves several jobs. They are leased meanwhile: far
            // shorter waits than any lease.
            let wanted = idle + prefetch - ready.count
            wakeRequested = false
            condition.unlock()

            var claimed = 0
            if wanted > 0 {
                do {
                    let jobs = try database.transaction(.platform) {
                        try JobQueue.claim(
                            $0, worker: name, limit: wanted, perTenant: wanted, leaseSeconds: configuration.leaseSeconds,
                            tenants: configuration.tenants)
                    }
                    claimed = jobs.count
                    if !jobs.isEmpty {
                        condition.lock()
                        if stopping {
                            condition.unlock()
                            try? database.transaction(.platform) { try JobQueue.release($0, jobs) }
                            condition.lock()
                            break
                        }
                        addReady(jobs)
                        condition.broadcast()
                        condition.unlock()
                    }
                } catch {
                    logger.warning("claiming jobs failed; trying again shortly", metadata: ["error": "\(error)"])
                    Thread.sleep(forTimeInterval: 0.5)
                }
            }
            condition.lock()
            if stopping { break }
            // Claim again at once while workers are idle and the last claim found work; wait for
            // a NOTIFY, a worker falling idle or the poll interval when the queue had nothing
            // ready or every worker is busy.
            let hungry = idle + prefetch - ready.count > 0
            if (!hungry || claimed == 0) && !wakeRequested {
                let deadline = Date().addingTimeInterval(configuration.pollInterval)
                if wanted > 0 && claimed < wanted {
                    // The queue had no more ready: only a notice, a freed ordering line or the
                    // poll makes more ready, not a worker falling idle. Claiming at every idle
                    // worker found nothing three times in four in a flows burst.
                    while !wakeRequested && !stopping && Date() < deadline { _ = condition.wait(until: deadline) }
                } else {
                    _ = condition.wait(until: deadline)
                }
            }
            condition.unlock()
        }
        threadsRunning -= 1
        condition.broadcast()
        condition.unlock()
    }

    private func workerLoop(worker: String) {
        let context = JobContext(database: database, vault: vault, logger: logger, worker: worker)
        condition.lock()
        while true {
            idle += 1
            condition.broadcast()
            while ready.isEmpty && !stopping { condition.wait() }
            idle -= 1
            if stopping { break }
            let job = ready.removeFirst()
            busy += 1
            condition.unlock()
            let started = DispatchTime.now().uptimeNanoseconds
            execute(job, context)
            let took = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            condition.lock()
            busy -= 1
            averageRunSeconds += (took - averageRunSeconds) / 32
        }
        threadsRunning -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Runs one job's handler; on success hands the job and its effects to the committer, on
    /// failure queues it again or moves it to the dead letters.
    func execute(_ job: Job, _ context: JobContext) {
        do {
            guard let handler = handlers[job.kind] else { throw UnknownJobKind(kind: job.kind.rawValue) }
            let effects = try handler.run(job, context)
            // Through JSONValue, not JSONSerialization, whose sorted keys cost a locale per comparison.
            let summary = effects.summary.map { JSONValue.object($0.mapValues { .string($0) }).canonicalText }
            committer.submit(.init(job: job, effects: effects, summary: summary))
        } catch {
            settle(job, after: error)
        }
    }

    /// One finished job's completion and effects in a transaction of their own: what its effects
    /// wrote when it completed, nil when it did not. A failure of its effects is settled
    /// like a failure of its handler.
    private func commit(_ finished: CompletionCommitter.Finished) -> CompletionCommitter.Written? {
        let job = finished.job
        do {
            return try database.transaction(.tenant(job.tenantId)) { tx in
                try JobQueue.complete(tx, job, summary: finished.summary, settlingEvent: false)
                let written = try write(finished, tx)
                if !written.eventGoesOn { try JobQueue.settleEvents(tx, tenantId: job.tenantId, job.eventId.map { [$0] } ?? []) }
                return written
            }
        } catch let lost as JobQueue.LeaseLost {
            logger.warning("a job outlived its lease; its effects were rolled back", metadata: ["job_id": "\(lost.jobId)"])
            return nil
        } catch {
            settle(job, after: error)
            return nil
        }
    }

    /// A finished job's effects, then the jobs to follow it (a run's next step): each taken for
    /// this pool's workers when it may run now, so a started run goes on without a claim; queued
    /// for any process when not, or when the pool is stopping.
    private func write(_ finished: CompletionCommitter.Finished, _ tx: Transaction) throws -> CompletionCommitter.Written {
        let following = try finished.effects.write(tx)
        let job = finished.job
        let freesLine = job.orderingKey.map { key in !following.contains { $0.orderingKey == key } } ?? false
        guard !following.isEmpty else { return .init(freesLine: freesLine) }
        let eventGoesOn = job.eventId.map { event in following.contains { $0.eventId == event } } ?? false
        condition.lock()
        let taking = !stopping
        condition.unlock()
        guard taking else {
            try JobQueue.enqueue(tx, following)
            return .init(eventGoesOn: eventGoesOn, freesLine: freesLine)
        }
        let taken = CompletionCommitter.TakenJobs()
        for job in following { JobQueue.enqueueTaken(tx, job, worker: name, leaseSeconds: configuration.leaseSeconds) { taken.add($0) } }
        return .init(taken: taken, eventGoesOn: eventGoesOn, freesLine: freesLine)
    }

    /// Oldest first among what waits, so a burst's earliest sales are not queued behind later
    /// ones claimed a moment before their next step. Called with `condition` locked.
    private func addReady(_ jobs: [Job]) {
        ready += jobs
        ready.sort { $0.isDue(before: $1) }
    }

    /// Following jobs taken at completion (committed by now) join the claimed ones; once the
    /// pool is stopping they are given back instead, as its unstarted claimed jobs are.
    private func handOver(_ taken: [Job]) {
        guard !taken.isEmpty else { return }
        condition.lock()
        if !stopping {
            addReady(taken)
            condition.broadcast()
            condition.unlock()
            return
        }
        condition.unlock()
        do { try database.transaction(.platform) { try JobQueue.release($0, taken) } } catch {
            logger.warning("could not give back jobs taken at completion; their leases will expire", metadata: ["error": "\(error)"])
        }
    }

    private func settle(_ job: Job, after error: any Error) {
        var permanent = false
        var minimumWait: TimeInterval = 0
        switch error {
        case let failure as ConnectorError:
            switch failure.kind {
            case .permanent, .authentication: permanent = true
            case .rateLimited(let retryAfter): minimumWait = retryAfter
            case .retryable: break
            }
        case is PermanentJobFailure, is UnknownJobKind: permanent = true
        case let domain as DomainError:
            if case .notFound = domain { permanent = true }
        default: break
        }
        let message = "\(error)"
        do {
            try database.transaction(.platform) { tx in
                if permanent || job.attempt >= job.maxAttempts {
                    try JobQueue.kill(tx, job, error: message)
                    try handlers[job.kind]?.died(job, reason: message, tx)
                } else {
                    let delay = configuration.backoff.delay(afterAttempt: job.attempt, atLeast: minimumWait)
                    try JobQueue.retry(tx, job, at: Date().addingTimeInterval(delay), error: message)
                }
            }
            // A job given up frees its ordering line for the next.
            wake()
        } catch is JobQueue.LeaseLost {
            logger.warning("a failing job outlived its lease", metadata: ["job_id": "\(job.id)"])
        } catch {
            logger.error("could not record a job's failure; its lease will expire", metadata: ["job_id": "\(job.id)", "error": "\(error)"])
        }
    }
}
