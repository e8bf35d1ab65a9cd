import Foundation
import Testing
import Domain

@testable import Engine

/// The committer's line: the oldest work's completions go first, and a batch is cut to what
/// commits in a short while once batches have shown how long a job takes.
@Suite("Completions wait oldest first, in batches sized by time")
struct CompletionLineTests {
    static func finished(_ id: Int64, dueSecondsAgo: Double) -> CompletionCommitter.Finished {
        let job = Job(
            id: id, runId: UUID(), tenantId: UUID(), environment: .dev, eventId: nil, kind: .probe, payload: "{}", orderingKey: nil,
            attempt: 1, maxAttempts: 3, runAt: Date(timeIntervalSince1970: 1_000_000 - dueSecondsAgo))
        return CompletionCommitter.Finished(job: job, effects: .none, summary: nil)
    }

    @Test func theOldestWorkIsCommittedFirstWhateverOrderItFinishedIn() {
        var line = CompletionLine()
        // 200 of a burst's later dispatches finish first, then the first sale's step.
        for id in 1...200 { line.add(Self.finished(Int64(1000 + id), dueSecondsAgo: 1 - Double(id) / 1000)) }
        line.add(Self.finished(7, dueSecondsAgo: 5))
        let batch = line.nextBatch()
        #expect(batch.count == CompletionLine.batchLimit)
        #expect(batch.first?.job.id == 7)
        #expect(batch.map(\.job.id).dropFirst() == Array(1001...1127).map(Int64.init)[...])
        #expect(line.nextBatch().map(\.job.id) == Array(1128...1200).map(Int64.init))
        #expect(line.isEmpty)
    }

    @Test func jobsDueTogetherKeepTheirIdOrder() {
        var line = CompletionLine()
        for id in [5, 3, 9, 1] as [Int64] { line.add(Self.finished(id, dueSecondsAgo: 1)) }
        #expect(line.nextBatch().map(\.job.id) == [1, 3, 5, 9])
    }

    @Test func slowJobsMakeSmallerBatchesAndCheapOnesTheLargest() {
        var line = CompletionLine()
        for id in 1...500 { line.add(Self.finished(Int64(id), dueSecondsAgo: 0)) }
        // A batch of fewer than the floor teaches nothing: its time is mostly the commit's.
        line.learn(jobs: 1, took: 0.1)
        #expect(line.nextBatch().count == CompletionLine.batchLimit)
        // 2 ms a job (a burst's dispatches): no more than the floor in about 30 ms.
        line.learn(jobs: 128, took: 0.256)
        #expect(line.nextBatch().count == CompletionLine.batchFloor)
        // 1 ms a job on average after some cheaper batches: about 30.
        for _ in 0..<10 { line.learn(jobs: 32, took: 0.032) }
        #expect((28...31).contains(line.nextBatch().count))
        // Probes at 0.1 ms: the whole limit.
        for _ in 0..<20 { line.learn(jobs: 128, took: 0.0128) }
        #expect(line.nextBatch().count == CompletionLine.batchLimit)
    }
}
