public import Foundation

public struct PendingOAuth: Sendable {
    public let tenantId: UUID
    public let environment: EnvironmentName
    public let connectionId: UUID
    public let redirectURI: String
    public let createdBy: String

    public init(tenantId: UUID, environment: EnvironmentName, connectionId: UUID, redirectURI: String, createdBy: String) {
        self.tenantId = tenantId
        self.environment = environment
        self.connectionId = connectionId
        self.redirectURI = redirectURI
        self.createdBy = createdBy
    }
}
