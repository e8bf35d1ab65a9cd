import Foundation
import Domain
import Persistence

/// A step's ledger key worked out before its run is read, from what the process keeps of the run
/// (its flow version and its event, which never change), so that the ledger's lookup travels in
/// the same round trip as the run, its earlier steps, connections and breakers: one round trip
/// fewer for a worker to wait on, per step. Only a guess: once the earlier steps are read the key
/// is worked out again, and the guess stands only when the two agree. A key that needs an earlier
/// step's output, or a ledger lookup of its own, is not guessed at all. So with the business key
/// the target's writer would search by (`searchKey`): when the step's record can be mapped from
/// the event alone, the write's intent is recorded in the same round trip, committed with it.
struct StepLedgerGuess: Sendable {
    let target: String
    let key: String
    /// What the ledger held for the key, read with the run.
    var targetId: String?
    /// The business key the record would be searched by, when it maps from the event alone.
    private(set) var searchKey: String?
    /// Whether the intent recorded with the run under `searchKey` was the first (`SyncIntentStore`).
    var firstIntent: Bool?
    /// When the step's event arrived, for the intent.
    let eventReceivedAt: Date

    init?(_ payload: StepJobPayload) {
        guard let run = StepCaches.cachedRun(payload.runId),
            let definition = StepCaches.cachedDefinition(flowId: run.flowId, version: run.version),
            let event = StepCaches.cachedEvent(run.eventId), payload.position < definition.steps.count
        else { return nil }
        let step = definition.steps[payload.position]
        target = step.target.name
        eventReceivedAt = event.receivedAt
        // No earlier steps and no lookups: a key or a record that needs either fails or differs,
        // and is worked out again after the load all the same.
        let inputs = MappingInputs(record: event.record)
        if let node = step.key {
            guard let text = try? node.evaluate(inputs).keyText else { return nil }
            key = text
        } else {
            key = "event:\(run.eventId.lowercasedText):\(step.id)"
        }
        if step.when == nil { searchKey = FlowStepHandler.searchKey(step.target, step.mapping, inputs) }
    }

    /// The intent recorded with the run, when it was for `searchKey`: nil when not guessed so.
    func intent(searchKey: String) -> Bool? {
        guard searchKey == self.searchKey else { return nil }
        return firstIntent
    }

    /// The ledger's answer for `key` of `target`, when this guess was of it: nil when not guessed.
    func answer(target: String, key: String) -> String?? {
        guard target == self.target, key == self.key else { return nil }
        return .some(targetId)
    }
}
