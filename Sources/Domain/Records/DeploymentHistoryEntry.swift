public import Foundation

public struct DeploymentHistoryEntry: Sendable {
    public let id: UUID
    public let environment: EnvironmentName
    public let flowId: UUID
    public let action: String
    public let version: Int
    public let previousVersion: Int?
    public let fromEnvironment: EnvironmentName?
    public let actor: String
    public let createdAt: Date

    public init(
        id: UUID, environment: EnvironmentName, flowId: UUID, action: String, version: Int, previousVersion: Int?, fromEnvironment: EnvironmentName?,
        actor: String, createdAt: Date
    ) {
        self.id = id
        self.environment = environment
        self.flowId = flowId
        self.action = action
        self.version = version
        self.previousVersion = previousVersion
        self.fromEnvironment = fromEnvironment
        self.actor = actor
        self.createdAt = createdAt
    }
}
