public import Foundation

/// One flow version's processing of one event.
public struct Run: Sendable {
    public let id: UUID
    public let tenantId: UUID
    public let environment: EnvironmentName
    public let eventId: UUID
    public let flowId: UUID
    public let version: Int
    public let status: RunStatus
    public let detail: String?
    public let createdAt: Date
    public let updatedAt: Date

    public init(
        id: UUID, tenantId: UUID, environment: EnvironmentName, eventId: UUID, flowId: UUID, version: Int, status: RunStatus, detail: String?,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantId = tenantId
        self.environment = environment
        self.eventId = eventId
        self.flowId = flowId
        self.version = version
        self.status = status
        self.detail = detail
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What one step of a run did, as recorded.
public struct RunStep: Sendable {
    public let position: Int
    public let stepId: String
    public let target: String
    public let status: StepStatus
    /// JSON text.
    public let record: String?
    public let externalId: String?
    public let detail: String?
    public let updatedAt: Date

    public init(position: Int, stepId: String, target: String, status: StepStatus, record: String?, externalId: String?, detail: String?, updatedAt: Date) {
        self.position = position
        self.stepId = stepId
        self.target = target
        self.status = status
        self.record = record
        self.externalId = externalId
        self.detail = detail
        self.updatedAt = updatedAt
    }
}

/// How a step's jobs went: attempts made, how many failed, and the latest failure's reason.
public struct StepAttempts: Sendable {
    public let attempts: Int
    public let failures: Int
    public let lastError: String?

    public init(attempts: Int, failures: Int, lastError: String?) {
        self.attempts = attempts
        self.failures = failures
        self.lastError = lastError
    }
}
