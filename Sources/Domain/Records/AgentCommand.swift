public import Foundation

public struct AgentCommand: Sendable, Equatable {
    public let id: UUID
    public let tenantId: UUID
    public let connectionId: UUID
    public let type: String
    public let externalId: String
    /// JSON text.
    public let payload: String
    public let status: AgentCommandStatus
    public let deliveries: Int
    public let leaseUntil: Date?
    /// JSON text of a success's data.
    public let result: String?
    public let errorCode: String?
    public let errorMessage: String?
    public let retryable: Bool?
    public let createdAt: Date
    public let completedAt: Date?

    public init(
        id: UUID, tenantId: UUID, connectionId: UUID, type: String, externalId: String, payload: String, status: AgentCommandStatus, deliveries: Int,
        leaseUntil: Date?, result: String?, errorCode: String?, errorMessage: String?, retryable: Bool?, createdAt: Date, completedAt: Date?
    ) {
        self.id = id
        self.tenantId = tenantId
        self.connectionId = connectionId
        self.type = type
        self.externalId = externalId
        self.payload = payload
        self.status = status
        self.deliveries = deliveries
        self.leaseUntil = leaseUntil
        self.result = result
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.retryable = retryable
        self.createdAt = createdAt
        self.completedAt = completedAt
    }
}
