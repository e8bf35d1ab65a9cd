import Foundation
import Domain
import Persistence

/// Writes a flow step's `paytrace.sale` or `paytrace.authorization` record as a payment request
/// named by the step's key: the charge itself is then made by `PaymentChargeHandler`, exactly
/// once, whatever PayTrace loses. The request, made once per key (a unique key in the database),
/// is itself the search: `find` looks it up by the key.
struct PayTraceChargeWriter: TargetWriter {
    let database: Database
    let connection: Connection
    /// The charge job's attempts, as a payment request asked for through the API gets.
    static let jobAttempts = 12

    func find(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String? {
        try database.transaction(.tenant(connection.tenantId)) { try PaymentRequestStore.id(ofFlowKey: key, $0, tenantId: connection.tenantId) }?
            .lowercasedText
    }

    func create(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String {
        let fields = record.object ?? [:]
        // Text as mapped; a number (an amount a mapping left as JSON) through its shortest decimal text.
        func text(_ name: String) -> String? {
            switch fields[name] {
            case .string(let value)?: value
            case .number(let value)?: "\(value)"
            default: nil
            }
        }
        let (draft, errors) = PaymentRequestDraft.parse(
            customerId: text("customer_id"), amount: text("amount"), currency: text("currency"), description: text("description"),
            externalReference: text("external_reference"), capture: schema.name == "paytrace.sale")
        guard let draft else {
            // The mapping made a record PayTrace would not take (no customer, a bad amount, a card number):
            // a person fixes the flow; retrying cannot help.
            throw PermanentJobFailure(
                "\(schema.title): "
                    + (errors.isEmpty ? "customer_id and amount are required" : errors.map { "\($0.field) \($0.message)" }.joined(separator: "; ")))
        }
        let (tenantId, environment, connectionId) = (connection.tenantId, connection.environment, connection.id)
        return try database.transaction(.tenant(tenantId)) { tx -> String in
            if let made = try PaymentRequestStore.create(
                tx, tenantId: tenantId, environment: environment, connectionId: connectionId, draft, maxAttempts: Self.jobAttempts, flowKey: key)
            {
                return made.id.lowercasedText
            }
            // Made by an attempt whose answer (this function's return) was lost.
            guard let earlier = try PaymentRequestStore.id(ofFlowKey: key, tx, tenantId: tenantId) else {
                throw PermanentJobFailure("the payment request of step key \(key) could not be made")
            }
            return earlier.lowercasedText
        }
    }
}
