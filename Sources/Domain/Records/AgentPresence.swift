public import Foundation

public struct AgentPresence: Sendable {
    public let lastSeenAt: Date?
    public let agentVersion: String?
    public let agentHost: String?
    public let lastRejectedAt: Date?

    public init(lastSeenAt: Date?, agentVersion: String?, agentHost: String?, lastRejectedAt: Date?) {
        self.lastSeenAt = lastSeenAt
        self.agentVersion = agentVersion
        self.agentHost = agentHost
        self.lastRejectedAt = lastRejectedAt
    }
}
