import Foundation
import Connectors
import Domain
import Persistence

/// One command to a Sage Pro agent, queued once per external id and waited for: what the flows'
/// writer and reconciliation's reads and journals share. The agent answers through the queue, so
/// a job that stops waiting (or crashes) finds the same command, perhaps answered, on its next
/// attempt instead of asking again.
struct SageAgentCommands {
    let database: Database
    let connection: Connection
    var wait: TimeInterval = 15

    /// The command's answer (`data`), once the agent has applied it.
    func send(_ type: SageAgentProtocol.CommandType, externalId: String, payload: JSONValue) throws -> JSONValue {
        let tenantId = connection.tenantId
        let command = try database.transaction(.tenant(tenantId)) { tx -> AgentCommand in
            let command = try AgentCommandStore.enqueue(
                tx, tenantId: tenantId, environment: connection.environment, connectionId: connection.id,
                type: type.rawValue, externalId: externalId, payload: payload.canonicalText)
            if command.status == .failed, command.retryable == true { try AgentCommandStore.requeue(tx, tenantId: tenantId, id: command.id) }
            return command
        }
        let deadline = Date().addingTimeInterval(wait)
        while Date() < deadline {
            guard let current = try database.transaction(.tenant(tenantId), { try AgentCommandStore.get($0, tenantId: tenantId, id: command.id) }) else {
                throw PermanentJobFailure("the Sage Pro command disappeared")
            }
            switch current.status {
            case .succeeded:
                return current.result.flatMap(JSONValue.init(parsing:)) ?? .null
            case .failed where current.retryable == true:
                throw ConnectorError(
                    .retryable, "Sage Pro could not apply \(type.rawValue) yet: \(current.errorMessage ?? current.errorCode ?? "no reason given")")
            case .failed:
                // Pro's own refusal (an unknown invoice, a missing account): the step is held for review.
                throw ConnectorError(.permanent, "Sage Pro refused \(type.rawValue): \(current.errorMessage ?? current.errorCode ?? "no reason given")")
            case .queued, .delivered:
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        throw ConnectorError(.retryable, "The Sage Pro agent has not answered within \(Int(wait)) s: is it running and polling?")
    }

    /// Every page of a read, each its own command (`<readId>:<page>`), so a job that retries
    /// finds the pages already answered.
    func readAll(_ type: SageAgentProtocol.CommandType, _ key: String, _ payload: [String: JSONValue], readId: String) throws -> [JSONValue] {
        var items: [JSONValue] = [], after: JSONValue?, page = 0
        repeat {
            var asked = payload
            if let after { asked["after"] = after }
            let answer = try send(type, externalId: "\(readId):\(page)", payload: .object(asked))
            items += answer[key]?.array ?? []
            after = answer["next"]
            page += 1
        } while after != nil
        return items
    }

    /// The environment's Sage Pro agent connection: the Pro that reconciliation reads, posts
    /// journals to and repairs.
    static func connection(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName) throws -> Connection? {
        try ConnectionStore.list(tx, tenantId: tenantId, environment: environment, after: nil, limit: 100).items.first { $0.kind == .sageProAgent }
    }
}
