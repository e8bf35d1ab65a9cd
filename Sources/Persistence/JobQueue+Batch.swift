public import Foundation
public import Domain

extension JobQueue {
    /// A job whose handler succeeded, with the attempt summary to record.
    public struct Completion: Sendable {
        public let job: Job
        public let summary: String?

        public init(job: Job, summary: String?) {
            self.job = job
            self.summary = summary
        }
    }

    /// Moves many running jobs to history as completed in one statement, in the caller's
    /// platform-scope transaction: the jobs, their attempts and their events' status, as
    /// `complete` does for one. Returns the ids it completed. A job left out is one whose lease
    /// was lost, or whose tenant was deleted; the caller settles those one at a time, where the
    /// one-job path says which.
    /// Their events are the caller's to settle once the effects are written (`settleEvents`).
    public static func complete(_ tx: Transaction, _ completions: [Completion]) throws -> Set<Int64> {
        try finish(tx, completions, state: .completed, outcome: .succeeded, error: nil, liveTenantsOnly: true)
    }
}
