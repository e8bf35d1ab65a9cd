import Foundation
import Connectors
import Domain
import Persistence

/// Writes a mapped record to Sage Pro through the connection's on-premises agent: a command
/// queued once per step key (the agent's own crosswalk keeps a command that was applied but whose
/// answer was lost from applying twice), then waited for. A command failed for a passing reason
/// (a locked record) goes back in the queue on the job's next attempt. Nothing to `find`: the
/// command, queued once per key, is itself the search.
struct SageAgentWriter: TargetWriter {
    let database: Database
    let connection: Connection
    var wait: TimeInterval = 15

    static let commands: [String: (type: SageAgentProtocol.CommandType, id: String)] = [
        "sage_pro.customer": (.upsertCustomer, "custno"), "sage_pro.sales_order": (.createSalesOrder, "sono"),
        "sage_pro.invoice": (.createInvoice, "invno"), "sage_pro.cash_receipt": (.postCashReceipt, "receipt_no"),
        "sage_pro.gl_entry": (.postJournal, "entry_no"),
    ]

    func find(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String? { nil }

    func create(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String {
        guard let (type, idField) = Self.commands[schema.name] else { throw PermanentJobFailure("\(schema.title) has no Sage Pro agent command.") }
        let tenantId = connection.tenantId
        let payload = record.canonicalText
        let command = try database.transaction(.tenant(tenantId)) { tx -> AgentCommand in
            let command = try AgentCommandStore.enqueue(
                tx, tenantId: tenantId, environment: connection.environment, connectionId: connection.id,
                type: type.rawValue, externalId: key, payload: payload)
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
                let result = current.result.flatMap(JSONValue.init(parsing:)) ?? .null
                guard let id = result[idField]?.string else { throw PermanentJobFailure("Sage Pro's answer to \(type.rawValue) had no \(idField)") }
                return id
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
}
