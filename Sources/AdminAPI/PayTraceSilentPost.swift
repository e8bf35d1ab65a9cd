import Foundation
import Connectors
import Domain

/// PayTrace's Secure Checkout Silent Post (reference section 7): an unsigned form with
/// `parmList=KEY~value|...`. Anyone could post one, so nothing is believed: the transaction is
/// looked up through PayTrace's export API with the endpoint's connection, and the event is
/// PayTrace's own record of it, keyed like the poller's (`txn:<id>:<type>`) so the two never
/// store one transaction twice.
enum PayTraceSilentPost {
    static func fields(_ body: [UInt8]) -> [String: String] {
        let form = FormBody.fields(body)
        var fields: [String: String] = [:]
        for item in (form["parmList"] ?? form["parmlist"] ?? "").split(separator: "|") {
            let parts = item.split(separator: "~", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0].uppercased()] = parts[1] }
        }
        return fields
    }

    static func confirm(_ context: RequestContext, _ endpoint: WebhookEndpoint) throws -> IntakeRoute.Delivery {
        let posted = fields(context.request.body)
        guard let text = posted["TRANSACTIONID"], let transactionId = Int(text), transactionId > 0 else {
            throw Problem.badRequest("A Silent Post carries parmList=...|TRANSACTIONID~<id>|...; there was none. Nothing was stored.")
        }
        guard let connectionId = endpoint.connectionId else { throw Problem(status: 410, title: "Gone", detail: "This endpoint has no PayTrace connection.") }
        let client = try context.services.stores.transaction(.tenant(endpoint.tenantId)) { tx -> PayTraceClient? in
            guard let connection = try tx.connections.get(tenantId: endpoint.tenantId, environment: endpoint.environment, id: connectionId) else { return nil }
            return try? PayTraceClient.forConnection(connection, secrets: try tx.connections.secrets(connection: connection))
        }
        guard let client else {
            throw Problem(status: 410, title: "Gone", detail: "This endpoint's PayTrace connection is gone or has no credentials; nothing was stored.")
        }
        let confirmed: PayTraceExportedTransaction?
        do {
            confirmed = try client.transaction(id: transactionId)
        } catch let error as ConnectorError {
            var problem = Problem(
                status: 503, title: "PayTrace unavailable",
                detail: "The post could not be confirmed with PayTrace (\(error.message)); nothing was stored. Send it again later.")
            problem.headers = [("Retry-After", "60")]
            throw problem
        }
        guard let confirmed else {
            throw Problem(status: 422, title: "Not confirmed", detail: "PayTrace has no transaction \(transactionId); nothing was stored.")
        }
        let record: [String: Any] = [
            "transaction": [
                "transaction_id": confirmed.transactionId, "transaction_type": confirmed.type, "amount": "\(confirmed.amount)",
                "status": confirmed.status, "masked_card_number": confirmed.maskedCardNumber ?? "", "created_at": confirmed.createdAt,
                "settled_at": confirmed.settledAt ?? "", "invoice_id": confirmed.invoiceId ?? "", "customer_id": confirmed.customerId ?? "",
            ],
            "silent_post": posted,
        ]
        let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        return IntakeRoute.Delivery(
            vendorEventId: "txn:\(confirmed.transactionId):\(confirmed.type)", type: "paytrace.transaction",
            payload: CardNumberMasking.maskJSON(String(decoding: data, as: UTF8.self)))
    }
}
