/// Where a command queued for a Sage Pro agent is: waiting for a poll, handed to the agent under
/// a lease, or answered.
public enum AgentCommandStatus: String, Sendable, CaseIterable {
    case queued, delivered, succeeded, failed
}
