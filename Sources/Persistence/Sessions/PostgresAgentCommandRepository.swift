import Foundation
import Domain

/// `AgentCommandRepository` over `AgentCommandStore`, in the session's transaction.
struct PostgresAgentCommandRepository: AgentCommandRepository {
    let tx: Transaction

    func enqueue(tenantId: UUID, environment: EnvironmentName, connectionId: UUID, type: String, externalId: String, payload: String) throws -> AgentCommand {
        try AgentCommandStore.enqueue(
            tx, tenantId: tenantId, environment: environment, connectionId: connectionId, type: type, externalId: externalId, payload: payload)
    }

    func claim(tenantId: UUID, connectionId: UUID, batchId: UUID, limit: Int, leaseSeconds: Int) throws -> [AgentCommand] {
        try AgentCommandStore.claim(tx, tenantId: tenantId, connectionId: connectionId, batchId: batchId, limit: limit, leaseSeconds: leaseSeconds)
    }

    func complete(tenantId: UUID, connectionId: UUID, commandId: UUID, outcome: AgentCommandOutcome) throws -> Bool {
        try AgentCommandStore.complete(tx, tenantId: tenantId, connectionId: connectionId, commandId: commandId, outcome: outcome)
    }

    func requeue(tenantId: UUID, id: UUID) throws {
        try AgentCommandStore.requeue(tx, tenantId: tenantId, id: id)
    }

    func get(tenantId: UUID, id: UUID) throws -> AgentCommand? {
        try AgentCommandStore.get(tx, tenantId: tenantId, id: id)
    }

    func recordSeen(tenantId: UUID, connectionId: UUID, version: String, host: String) throws {
        try AgentCommandStore.recordSeen(tx, tenantId: tenantId, connectionId: connectionId, version: version, host: host)
    }

    func recordRejected(tenantId: UUID, connectionId: UUID) throws {
        try AgentCommandStore.recordRejected(tx, tenantId: tenantId, connectionId: connectionId)
    }

    func presence(tenantId: UUID, connectionId: UUID) throws -> AgentPresence? {
        try AgentCommandStore.presence(tx, tenantId: tenantId, connectionId: connectionId)
    }
}
