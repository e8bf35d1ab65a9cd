public import Foundation

public struct Deployment: Sendable {
    public let environment: EnvironmentName
    public let flowId: UUID
    public let flowName: String
    public let version: Int
    public let previousVersion: Int?
    public let deployedBy: String
    public let updatedAt: Date
    /// The flow's creation time: with `flowId`, the list's page key.
    public let flowCreatedAt: Date

    public init(
        environment: EnvironmentName, flowId: UUID, flowName: String, version: Int, previousVersion: Int?, deployedBy: String, updatedAt: Date,
        flowCreatedAt: Date
    ) {
        self.environment = environment
        self.flowId = flowId
        self.flowName = flowName
        self.version = version
        self.previousVersion = previousVersion
        self.deployedBy = deployedBy
        self.updatedAt = updatedAt
        self.flowCreatedAt = flowCreatedAt
    }
}
