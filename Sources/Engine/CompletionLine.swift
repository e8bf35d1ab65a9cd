import Foundation
import Domain

/// The finished jobs waiting for the committer, oldest work first, and how many the next commit
/// takes. Not locked: `CompletionCommitter` holds its lock around it.
///
/// Oldest first (`Job.isDue(before:)`, as the workers' ready list orders work): when a burst's
/// dispatches finish together, the first sales' steps are not committed behind a hundred of
/// them. A batch is cut to what commits in about `batchTarget`, going by recent batches' time per
/// job: a completion that arrives while a batch commits waits for it, and 128 dispatches of a
/// burst's sales (a fraud judgement, a run and its first step each) took 200 ms. Cheap jobs
/// (bench/queue's probes) still go 128 at a time.
struct CompletionLine {
    /// At most this many jobs per commit, and never fewer than `batchFloor` while more wait.
    static let batchLimit = 128
    static let batchFloor = 16
    static let batchTarget = 0.03

    private(set) var waiting: [CompletionCommitter.Finished] = []
    /// Seconds per job in recent batches (a moving average); 0 until a batch has taught it.
    private(set) var secondsPerJob = 0.0

    var count: Int { waiting.count }
    var isEmpty: Bool { waiting.isEmpty }

    /// Completions mostly arrive oldest first, so the place is found near the end and little moves.
    mutating func add(_ finished: CompletionCommitter.Finished) {
        var place = waiting.endIndex
        while place > waiting.startIndex, finished.job.isDue(before: waiting[place - 1].job) { place -= 1 }
        waiting.insert(finished, at: place)
    }

    /// The oldest, as many as the next commit takes.
    mutating func nextBatch() -> [CompletionCommitter.Finished] {
        let limit = secondsPerJob > 0 ? max(Self.batchFloor, min(Self.batchLimit, Int(Self.batchTarget / secondsPerJob))) : Self.batchLimit
        let batch = Array(waiting.prefix(limit))
        waiting.removeFirst(batch.count)
        return batch
    }

    /// Learnt from batches of some size only: a small one's time is mostly its commit.
    mutating func learn(jobs: Int, took seconds: Double) {
        guard jobs >= Self.batchFloor else { return }
        let perJob = seconds / Double(jobs)
        secondsPerJob = secondsPerJob == 0 ? perJob : 0.7 * secondsPerJob + 0.3 * perJob
    }
}
