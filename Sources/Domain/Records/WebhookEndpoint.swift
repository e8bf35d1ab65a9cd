public import Foundation

public struct WebhookEndpoint: Sendable, Equatable {
    public let id: UUID
    public let tenantId: UUID
    public let environment: EnvironmentName
    public let name: String
    public let source: String
    public let verification: WebhookVerification
    public let secretHeader: String?
    public let connectionId: UUID?
    public let status: String
    public let secretHint: String?
    public let secretRotatedAt: Date?
    public let createdAt: Date
    public let updatedAt: Date

    public init(
        id: UUID, tenantId: UUID, environment: EnvironmentName, name: String, source: String, verification: WebhookVerification, secretHeader: String?,
        connectionId: UUID?, status: String, secretHint: String?, secretRotatedAt: Date?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantId = tenantId
        self.environment = environment
        self.name = name
        self.source = source
        self.verification = verification
        self.secretHeader = secretHeader
        self.connectionId = connectionId
        self.status = status
        self.secretHint = secretHint
        self.secretRotatedAt = secretRotatedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
