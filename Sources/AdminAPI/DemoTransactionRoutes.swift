import Foundation
import Connectors
import Domain
import HTTPServer

/// `POST .../demo-transactions {"kind": "sale"|"refund"|"void"|"decline"}`: in an environment
/// whose PayTrace connection is the vendor sandbox, has the sandbox's PayTrace make a
/// transaction with a test card, reads it back through PayTrace's export API, and records it
/// as the poller would (`txn:<id>:<type>`), so the flows take it at once. Refused for a real
/// PayTrace account: nobody charges a real card from a demo button.
enum DemoTransactionRoutes {
    static let kinds = ["sale", "refund", "void", "decline"]
    /// A test card the sandbox approves; PayTrace's own test Visa.
    static var testCard: [String: Any] { ["number": "4012000098765439", "expiration_month": 12, "expiration_year": 2031] }
    /// The amount the sandbox declines as "Do not honor" (reference: paytrace.md, section 3).
    static let declinedAmount = Decimal(string: "112.00")!

    static let endpoints: [Endpoint] = [
        Endpoint("POST", "/v1/tenants/{tenantId}/environments/{environment}/demo-transactions", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            var input = try JSONInput(context.request, allowed: ["kind"])
            let kind = input.string("kind", required: true, maxLength: 10)
            if let kind, !kinds.contains(kind) { input.add(FieldError(field: "kind", message: "must be one of: \(kinds.joined(separator: ", "))")) }
            if !input.errors.isEmpty { throw Problem.validation(input.errors) }
            let (connection, secrets) = try context.tenantTransaction { tx -> (Connection, [String: String]) in
                let connections = try tx.connections.list(tenantId: tenantId, environment: environment, after: nil, limit: 200).items
                guard let connection = connections.first(where: { $0.kind == .paytrace }) else {
                    throw Problem.conflict("\(environment.rawValue) has no PayTrace connection; add one that points at the sandbox first.")
                }
                return (connection, try tx.connections.secrets(connection: connection))
            }
            guard OutboundPolicy.isPlatformException(url: connection.text("base_url") ?? PayTraceClient.productionURL) else {
                throw Problem.conflict(
                    "\(connection.name) is a real PayTrace account, not the sandbox; test transactions are made only against the sandbox.")
            }
            let made = try context.services.vendorCallSlots.run(tenantId: tenantId) { try make(kind!, connection, secrets) }
            let recorded = try context.tenantTransaction { tx -> [DemoEventBody] in
                var bodies: [DemoEventBody] = []
                for transaction in made {
                    let (vendorId, type, payload) = PayTraceEvents.event(transaction)
                    let (id, _) = try tx.events.record(
                        NewEvent(
                            tenantId: tenantId, environment: environment, source: "paytrace", vendorEventId: vendorId, type: type, endpointId: nil,
                            payload: payload), firstJob: .eventDispatch, wake: true)
                    bodies.append(
                        DemoEventBody(eventId: id.lowercasedString, type: type, transactionId: transaction.transactionId, amount: "\(transaction.amount)"))
                }
                try context.audit(
                    tx, tenantId: tenantId, action: "demo.transaction", targetType: "connection", targetId: connection.id.lowercasedString,
                    details: ["environment": environment.rawValue, "kind": kind!, "transactions": made.map { "\($0.transactionId)" }.joined(separator: ",")])
                return bodies
            }
            return context.json(DemoBody(kind: kind!, events: recorded), status: 201)
        }
    ]

    /// Makes the transaction(s) in the sandbox's PayTrace and reads them back as exported.
    static func make(_ kind: String, _ connection: Connection, _ secrets: [String: String]) throws -> [PayTraceExportedTransaction] {
        do {
            let client = try PayTraceClient.forConnection(connection, secrets: secrets, transport: .withinRequest)
            // Cents that differ from one test sale to the next, so each is told apart in Zoho and Sage Pro.
            let amount = kind == "decline" ? declinedAmount : Decimal(Int.random(in: 1_000...25_000)) / 100
            let invoice = "DEMO-\(Int.random(in: 100_000...999_999))"
            let body: [String: Any] = [
                "amount": NSDecimalNumber(decimal: amount).stringValue, "credit_card": testCard, "csc": "999", "invoice_id": invoice,
                "billing_address": ["name": "Demo Customer", "street": "1 Test Way", "city": "Spokane", "state": "WA", "zip": "99201", "country": "US"],
            ]
            let reply = try client.call(kind == "refund" ? "v1/transactions/refund/keyed" : "v1/transactions/sale/keyed", body)
            guard let id = reply.transactionId else {
                throw Problem(status: 502, title: "Sandbox error", detail: "The sandbox's PayTrace made no transaction: \(reply.statusMessage)")
            }
            if kind == "void" { _ = try client.void(transactionId: id) }
            guard let exported = try client.transaction(id: id) else {
                throw Problem(status: 502, title: "Sandbox error", detail: "The sandbox's PayTrace does not export transaction \(id).")
            }
            // A voided sale is recorded as the sale first, then its void, as the poller would see them.
            return kind == "void" ? [exported.withStatus("PENDING_SETTLEMENT"), exported] : [exported]
        } catch let error as ConnectorError {
            throw Problem(status: 502, title: "Sandbox unavailable", detail: "The sandbox's PayTrace did not make the transaction: \(error.message)")
        }
    }
}

struct DemoBody: Encodable {
    let kind: String
    let events: [DemoEventBody]
}

struct DemoEventBody: Encodable {
    let eventId: String
    let type: String
    let transactionId: Int
    let amount: String
}
