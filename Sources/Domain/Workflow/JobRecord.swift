public import Foundation

/// A job as operators see it, queued, running or finished (the dead letters are these).
public struct JobRecord: Sendable, Equatable {
    public let id: Int64
    public let runId: UUID
    public let eventId: UUID?
    public let kind: JobKind
    public let state: JobState
    public let attempts: Int
    public let lastError: String?
    public let createdAt: Date
    public let finishedAt: Date?
    /// The job that replayed this dead one.
    public let replayedBy: Int64?

    public init(
        id: Int64, runId: UUID, eventId: UUID?, kind: JobKind, state: JobState, attempts: Int, lastError: String?, createdAt: Date,
        finishedAt: Date?, replayedBy: Int64?
    ) {
        self.id = id
        self.runId = runId
        self.eventId = eventId
        self.kind = kind
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.replayedBy = replayedBy
    }
}

/// One attempt of a job: who ran it, when, and how it ended.
public struct JobAttempt: Sendable, Equatable {
    public let jobId: Int64
    public let attempt: Int
    public let worker: String
    public let startedAt: Date
    public let finishedAt: Date?
    public let outcome: AttemptOutcome?
    public let error: String?
    /// JSON text, already scrubbed of secrets and card data.
    public let summary: String?

    public init(jobId: Int64, attempt: Int, worker: String, startedAt: Date, finishedAt: Date?, outcome: AttemptOutcome?, error: String?, summary: String?) {
        self.jobId = jobId
        self.attempt = attempt
        self.worker = worker
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.error = error
        self.summary = summary
    }
}

/// How deep one tenant environment's queue is.
public struct QueueDepth: Sendable, Equatable {
    public let tenantId: UUID
    public let environment: EnvironmentName
    public let queued: Int
    public let running: Int
    /// Seconds the oldest ready job has waited.
    public let oldestAgeSeconds: Double

    public init(tenantId: UUID, environment: EnvironmentName, queued: Int, running: Int, oldestAgeSeconds: Double) {
        self.tenantId = tenantId
        self.environment = environment
        self.queued = queued
        self.running = running
        self.oldestAgeSeconds = oldestAgeSeconds
    }
}
