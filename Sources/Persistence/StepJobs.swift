public import Foundation
public import Domain

/// The `flow.step` job of a run's step: what the engine queues after each step, and what a
/// person queues to resume a run held for review, with how to resume it.
public enum StepJobs {
    public static let kind = "flow.step"

    /// How a held step is taken up again: as it was (the cause fixed in the target), skipped, or
    /// with a record a person corrected in place of the mapping's.
    public enum Resume: Sendable, Equatable {
        case retry
        case skip(by: String)
        case replace(record: JSONValue, by: String)
    }

    public static func enqueue(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, eventId: UUID, runId: UUID, position: Int,
                               orderingKey: String?, maxAttempts: Int, resume: Resume = .retry) throws {
        var payload: [String: JSONValue] = ["position": .number(Double(position)), "run_id": .string(runId.uuidString.lowercased())]
        switch resume {
        case .retry: break
        case .skip(let by): payload["skipped_by"] = .string(by)
        case .replace(let record, let by):
            payload["record"] = record
            payload["replaced_by"] = .string(by)
        }
        try JobQueue.enqueue(tx, [JobQueue.NewJob(tenantId: tenantId, environment: environment, kind: kind, payload: JSONValue.object(payload).canonicalText,
                                                  orderingKey: orderingKey, eventId: eventId, maxAttempts: maxAttempts)])
        // The completion that queued this step marked the event done; it is not, yet.
        try tx.query("UPDATE events SET status = 'pending' WHERE tenant_id = $1 AND id = $2", [tenantId, eventId])
    }

    /// Whether a step job of the run is queued or running (a resume must not queue a second).
    public static func pending(_ tx: Transaction, tenantId: UUID, runId: UUID) throws -> Bool {
        try tx.one("SELECT 1 AS one FROM jobs WHERE tenant_id = $1 AND kind = $2 AND payload->>'run_id' = $3 LIMIT 1",
                   [tenantId, kind, runId.uuidString.lowercased()]) != nil
    }
}
