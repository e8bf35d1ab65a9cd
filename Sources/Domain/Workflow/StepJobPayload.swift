public import Foundation

/// The payload of a `flow.step` job: which step of which run, and, when a person resumes a run
/// held for review, how. Both the engine (after each step) and the API (a resume) queue these,
/// and the engine reads them, so the shape lives here, once.
public struct StepJobPayload: Sendable, Equatable {
    /// How a held step is taken up again: as it was (the cause fixed in the target), skipped, or
    /// with a record a person corrected in place of the mapping's.
    public enum Resume: Sendable, Equatable {
        case retry
        case skip(by: String)
        case replace(record: JSONValue, by: String)
    }

    public let runId: UUID
    /// 0-based index into the flow definition's steps.
    public let position: Int
    public let resume: Resume

    public init(runId: UUID, position: Int, resume: Resume = .retry) {
        self.runId = runId
        self.position = position
        self.resume = resume
    }

    /// Canonical JSON text (the same step, the same text).
    public var jsonText: String {
        var payload: [String: JSONValue] = ["position": .number(Double(position)), "run_id": .string(runId.uuidString.lowercased())]
        switch resume {
        case .retry: break
        case .skip(let by): payload["skipped_by"] = .string(by)
        case .replace(let record, let by):
            payload["record"] = record
            payload["replaced_by"] = .string(by)
        }
        return JSONValue.object(payload).canonicalText
    }

    /// Nil when the text is not a step payload.
    public init?(jsonText: String) {
        let payload = JSONValue(parsing: jsonText) ?? .null
        guard let runId = payload["run_id"]?.string.flatMap(UUID.init(uuidString:)), case .number(let number)? = payload["position"],
            number >= 0, number < Double(Int32.max), number == number.rounded()
        else { return nil }
        self.runId = runId
        self.position = Int(number)
        if let person = payload["skipped_by"]?.string {
            resume = .skip(by: person)
        } else if let record = payload["record"] {
            resume = .replace(record: record, by: payload["replaced_by"]?.string ?? "someone")
        } else {
            resume = .retry
        }
    }

    /// The job that runs this step.
    /// `since`: when the work began, the event's arrival for the steps a flow runs on its own.
    /// The queue takes older work first (by `run_at`), so a burst's earliest sales run to the
    /// end before the later ones start, instead of every sale advancing a step at a time and
    /// all finishing together at the end. Resumes and replays leave it out: they queue now.
    public func job(tenantId: UUID, environment: EnvironmentName, eventId: UUID, orderingKey: String?, maxAttempts: Int, since: Date? = nil) -> NewJob {
        NewJob(
            tenantId: tenantId, environment: environment, kind: .flowStep, payload: jsonText, orderingKey: orderingKey, eventId: eventId,
            maxAttempts: maxAttempts, runAt: since.map { min($0, Date()) })
    }
}
