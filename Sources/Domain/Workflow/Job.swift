public import Foundation

/// A job as a worker claimed it: one attempt under a lease.
public struct Job: Sendable, Equatable {
    public let id: Int64
    public let runId: UUID
    public let tenantId: UUID
    public let environment: EnvironmentName
    public let eventId: UUID?
    public let kind: JobKind
    /// JSON text.
    public let payload: String
    public let orderingKey: String?
    /// 1 for the first attempt; completion is fenced by it.
    public let attempt: Int
    public let maxAttempts: Int
    /// When the job became ready (for a flow's steps, when its event arrived): claimed jobs
    /// wait for a worker in this order.
    public let runAt: Date?

    public init(
        id: Int64, runId: UUID, tenantId: UUID, environment: EnvironmentName, eventId: UUID?, kind: JobKind, payload: String,
        orderingKey: String?, attempt: Int, maxAttempts: Int, runAt: Date? = nil
    ) {
        self.runAt = runAt
        self.id = id
        self.runId = runId
        self.tenantId = tenantId
        self.environment = environment
        self.eventId = eventId
        self.kind = kind
        self.payload = payload
        self.orderingKey = orderingKey
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }

    /// Older work first: by when it became ready (a flow's step by its sale's arrival), then by
    /// id. The workers' ready list and the committer's line both order jobs so.
    public func isDue(before other: Job) -> Bool {
        (runAt ?? .distantPast, id) < (other.runAt ?? .distantPast, other.id)
    }
}

/// A job to queue.
public struct NewJob: Sendable {
    public let tenantId: UUID
    public let environment: EnvironmentName
    public let kind: JobKind
    /// JSON text.
    public let payload: String
    /// Jobs with one key run one at a time, in the order they were queued.
    public let orderingKey: String?
    public let eventId: UUID?
    public let maxAttempts: Int
    /// Not before; now when nil.
    public let runAt: Date?

    public init(
        tenantId: UUID, environment: EnvironmentName, kind: JobKind, payload: String = "{}", orderingKey: String? = nil,
        eventId: UUID? = nil, maxAttempts: Int = 8, runAt: Date? = nil
    ) {
        self.tenantId = tenantId
        self.environment = environment
        self.kind = kind
        self.payload = payload
        self.orderingKey = orderingKey
        self.eventId = eventId
        self.maxAttempts = maxAttempts
        self.runAt = runAt
    }
}
