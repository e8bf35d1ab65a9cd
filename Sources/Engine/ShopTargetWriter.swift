import Connectors
import Domain

/// Sends a record to the shop as a signed webhook, its type by the target (`fulfilment.updated`,
/// `payment.updated`). Nothing to find: the step's key is the delivery's id, the same on every
/// retry, for the shop to drop repeats.
struct ShopTargetWriter: TargetWriter {
    let client: ShopWebhookClient

    func find(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String? { nil }

    func create(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String {
        try client.send(type: schema.name == "shop.payment" ? "payment.updated" : "fulfilment.updated", id: key, data: record)
    }
}
