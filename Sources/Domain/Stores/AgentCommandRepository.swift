public import Foundation

/// Commands queued for Sage Pro agents, their batches and results, and each agent's presence.
public protocol AgentCommandRepository {
    /// Queues a command once per `externalId`: asking again returns the first one, whatever its state.
    func enqueue(tenantId: UUID, environment: EnvironmentName, connectionId: UUID, type: String, externalId: String, payload: String) throws -> AgentCommand

    /// Hands out up to `limit` commands, oldest first: queued ones and delivered ones whose lease ran out.
    func claim(tenantId: UUID, connectionId: UUID, batchId: UUID, limit: Int, leaseSeconds: Int) throws -> [AgentCommand]

    /// Records an outcome; false when the command is not this connection's or already has one
    /// (a result posted twice changes nothing).
    func complete(tenantId: UUID, connectionId: UUID, commandId: UUID, outcome: AgentCommandOutcome) throws -> Bool

    /// Puts a command that failed for a passing reason (a locked record) back in the queue, under
    /// its same external id, so the agent's own ledger still keeps it from applying twice.
    func requeue(tenantId: UUID, id: UUID) throws

    func get(tenantId: UUID, id: UUID) throws -> AgentCommand?

    func recordSeen(tenantId: UUID, connectionId: UUID, version: String, host: String) throws

    func recordRejected(tenantId: UUID, connectionId: UUID) throws

    func presence(tenantId: UUID, connectionId: UUID) throws -> AgentPresence?
}
