public import Foundation
public import Logging
public import Persistence
public import Domain

/// The queue's upkeep, one thread per process: jobs whose lease ran out go back to the queue
/// (or to the dead letters), polling connections get their first poll, daily reconciliations
/// whose hour has come are queued, tenants' schedules whose slot has come fire, and completed jobs past their retention leave the history. It was once a side job of every pool's claim loop; as its
/// own service it runs once however many pools a process has, and only over `tenants`, so pools
/// of one test process never reap or purge each other's rows.
public final class QueueHousekeeping: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// How often a round runs.
        public var interval: TimeInterval
        /// Completed jobs are kept this long in the history; dead ones until replayed.
        public var historyDays: Int
        public var tenants: TenantScope

        public init(interval: TimeInterval = 5, historyDays: Int = 30, tenants: TenantScope = .all) {
            self.interval = interval
            self.historyDays = historyDays
            self.tenants = tenants
        }
    }

    /// What one round did.
    public struct Round: Sendable, Equatable {
        public let leasesReaped: Int
        public let pollsScheduled: Int
        public let historyPurged: Int
        public let reconciliationsScheduled: Int
        public let schedulesFired: Int
    }

    let database: Database
    let configuration: Configuration
    let logger: Logger
    private var thread: RepeatingThread?

    public init(database: Database, configuration: Configuration, logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
    }

    /// One round, now, on the caller's thread.
    @discardableResult
    public func runOnce() throws -> Round {
        let tenants = configuration.tenants
        let reaped = try database.transaction(.platform) { try JobQueue.reapExpiredLeases($0, tenants: tenants) }
        if reaped > 0 { logger.notice("jobs whose worker stopped answering are queued again", metadata: ["jobs": "\(reaped)"]) }
        // Pollers for sources that cannot push: a connection switched to polling gets its first poll here.
        let scheduled = try database.transaction(.platform) { try PollScheduler.scheduleMissing($0, tenants: tenants) }
        let purged = try database.transaction(.platform) { try JobQueue.purgeHistory($0, olderThanDays: configuration.historyDays, tenants: tenants) }
        // Vendor-call minutes past the dashboard's 30 days (all tenants' at once: they are figures, not a tenant's data to scope).
        if case .all = tenants { try database.transaction(.platform) { _ = try VendorCallStore.purge($0) } }
        // Transactions older than the fraud detectors look back, a batch a round.
        try database.transaction(.platform) {
            _ = try PaymentObservationStore.purge($0, olderThan: Date().addingTimeInterval(-FraudDetectors.lookback), tenants: tenants)
        }
        // Daily reconciliations whose local hour has come.
        let reconciliations = try database.transaction(.platform) { try ReconciliationScheduler.scheduleDue($0, tenants: tenants) }
        let fired = try fireSchedules(at: Date())
        try chargeRecurringPlans(at: Date())
        return Round(
            leasesReaped: reaped, pollsScheduled: scheduled, historyPurged: purged, reconciliationsScheduled: reconciliations, schedulesFired: fired)
    }

    /// Tenants' schedules whose slot has come, each slot once across processes; `now` is a
    /// parameter so that tests drive the clock.
    @discardableResult
    public func fireSchedules(at now: Date) throws -> Int {
        try database.transaction(.platform) {
            try ScheduleStore.fireDue($0, tenants: configuration.tenants, now: now) { schedule, now in
                Schedule.nextSlot(cron: schedule.cron, timeZone: schedule.timeZone, after: now)
            }
        }
    }

    /// Recurring plans' periods whose day has come, each once across processes, and the declined
    /// periods whose retry day has come; `now` is a parameter so that tests drive the clock.
    /// Returns the payment requests made.
    @discardableResult
    public func chargeRecurringPlans(at now: Date) throws -> Int {
        try database.transaction(.platform) {
            try RecurringPlanStore.chargeDue($0, tenants: configuration.tenants, now: now)
                + RecurringPlanStore.retryDeclined($0, tenants: configuration.tenants, now: now)
        }
    }

    /// Rounds every `interval` on a thread of its own until `shutdown`, the first at once.
    public func start() {
        let thread = RepeatingThread(name: "queue-housekeeping", interval: configuration.interval, roundFirst: true, finalRound: false) { [self] in
            do { try runOnce() } catch { logger.warning("queue housekeeping failed; trying again next round", metadata: ["error": "\(error)"]) }
        }
        self.thread = thread
        thread.start()
    }

    /// Stops after the round in progress, if any.
    public func shutdown() {
        thread?.stop()
    }
}
