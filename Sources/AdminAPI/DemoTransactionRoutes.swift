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
    static let testCard = "4012000098765439"
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
                let payTrace = try tx.connections.list(tenantId: tenantId, environment: environment, after: nil, limit: 200).items.filter {
                    $0.kind == .paytrace
                }
                guard !payTrace.isEmpty else {
                    throw Problem.conflict("\(environment.rawValue) has no PayTrace connection; add one that points at the sandbox first.")
                }
                // The sandbox one, where an environment has a real account beside it.
                guard let sandbox = payTrace.first(where: { OutboundPolicy.isPlatformException(url: $0.text("base_url") ?? PayTraceClient.productionURL) })
                else {
                    throw Problem.conflict(
                        "\(payTrace[0].name) is a real PayTrace account, not the sandbox; test transactions are made only against the sandbox.")
                }
                return (sandbox, try tx.connections.secrets(connection: sandbox))
            }
            let made = try context.services.vendorCallSlots.run(tenantId: tenantId) { try make(kind!, connection, secrets) }
            let recorded = try context.tenantTransaction { tx -> [DemoEventBody] in
                var bodies: [DemoEventBody] = []
                for transaction in made {
                    let (vendorId, type, payload) = PayTraceEvents.event(transaction)
                    let (id, duplicate) = try tx.events.record(
                        NewEvent(
                            tenantId: tenantId, environment: environment, source: "paytrace", vendorEventId: vendorId, type: type, endpointId: nil,
                            payload: payload), firstJob: .eventDispatch, wake: true)
                    // The sandbox keeps nothing across restarts and numbers its transactions from
                    // the start again; showing the old event's runs as this one's would mislead.
                    guard !duplicate else {
                        throw Problem.conflict(
                            "The sandbox made transaction \(transaction.transactionId), which \(environment.rawValue) already holds from before the "
                                + "sandbox was restarted (it keeps no state). Start the demo afresh (scripts/run after rm -rf .clearline).")
                    }
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

    /// The sandbox's vault customer the demo charges: a name and an address, as a merchant's
    /// customer has, so that every flow finds what it maps (Sage Pro needs a company name).
    static let demoCustomer = "clearline-demo-customer"

    /// Makes the transaction(s) in the sandbox's PayTrace and reads them back as exported: a
    /// sale (or a declined one), a sale and its void, or a sale settled and then refunded.
    static func make(_ kind: String, _ connection: Connection, _ secrets: [String: String]) throws -> [PayTraceExportedTransaction] {
        do {
            let client = try PayTraceClient.forConnection(connection, secrets: secrets, transport: .withinRequest)
            if try client.exportCustomers(id: demoCustomer).isEmpty {
                do {
                    _ = try client.createCustomer(
                        id: demoCustomer, card: .init(number: testCard, expirationMonth: 12, expirationYear: 2031),
                        billing: .init(name: "Demo Customer", streetAddress: "1 Test Way", city: "Spokane", state: "WA", zip: "99201"),
                        email: "demo.customer@example.com")
                } catch let error as ConnectorError where error.kind == .permanent {
                    // Two presses at once (or two tenants on one sandbox): the other made it meanwhile.
                    guard try !client.exportCustomers(id: demoCustomer).isEmpty else { throw error }
                }
            }
            // Cents that differ from one test sale to the next, so each is told apart in Zoho and Sage Pro.
            let amount = kind == "decline" ? declinedAmount : Decimal(Int.random(in: 1_000...25_000)) / 100
            let sale = try client.sale(customerId: demoCustomer, amount: amount, invoiceId: "DEMO-\(Int.random(in: 100_000...999_999))")
            guard let saleId = sale.transactionId else {
                throw Problem(status: 502, title: "Sandbox error", detail: "The sandbox's PayTrace made no transaction: \(sale.statusMessage)")
            }
            var later: Int?
            switch kind {
            case "void":
                _ = try client.void(transactionId: saleId)
            case "refund":
                // PayTrace refunds a sale once it has settled: the sandbox settles its open batch.
                _ = try client.call("v1/transactions/settle", [:])
                later = try client.refund(transactionId: saleId).transactionId
            default: break
            }
            let exported = try ([saleId] + (later.map { [$0] } ?? [])).map { id in
                guard let found = try client.transaction(id: id) else {
                    throw Problem(status: 502, title: "Sandbox error", detail: "The sandbox's PayTrace does not export transaction \(id).")
                }
                return found
            }
            // A voided sale is recorded as the sale first, then its void, as the poller would see them.
            return kind == "void" ? [exported[0].withStatus("PENDING_SETTLEMENT"), exported[0]] : exported
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
