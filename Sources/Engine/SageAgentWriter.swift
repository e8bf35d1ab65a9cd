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
        let result = try SageAgentCommands(database: database, connection: connection, wait: wait).send(type, externalId: key, payload: record)
        guard let id = result[idField]?.string else { throw PermanentJobFailure("Sage Pro's answer to \(type.rawValue) had no \(idField)") }
        return id
    }
}
