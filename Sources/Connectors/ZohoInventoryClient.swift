/// Zoho Inventory API v1 (../shared/reference/zoho.md section 3): Books' envelope and
/// organization under `inventory/v1`; sales orders, found again by `reference_number`.
public struct ZohoInventoryClient: Sendable {
    let api: ZohoBooksClient

    public init(session: ZohoSession, organizationId: String) {
        api = ZohoBooksClient(session: session, organizationId: organizationId, root: "inventory/v1", vendor: "Zoho Inventory")
    }

    public func salesOrders(referenceNumber: String) throws -> [[String: Any]] {
        try api.all("salesorders", key: "salesorders", query: ["reference_number": referenceNumber])
    }

    public func createSalesOrder(_ order: [String: Any]) throws -> [String: Any] {
        try api.call("POST", "salesorders", body: order)["salesorder"] as? [String: Any] ?? [:]
    }

    /// Sets custom fields by API name (`cf_payment_status`), leaving the rest of the order as it is.
    public func updateSalesOrder(_ id: String, customFields: [String: String]) throws {
        _ = try api.call(
            "PUT", "salesorders/\(id)", body: ["custom_fields": customFields.sorted { $0.key < $1.key }.map { ["api_name": $0.key, "value": $0.value] }])
    }

    /// `confirmed` or `void`.
    public func markSalesOrder(_ id: String, status: String) throws {
        _ = try api.call("POST", "salesorders/\(id)/status/\(status)")
    }
}

/// Items and fulfilment (reference sections 3.2–3.3): package, ship, deliver.
extension ZohoInventoryClient {
    public func salesOrder(_ id: String) throws -> [String: Any] {
        try api.call("GET", "salesorders/\(id)")["salesorder"] as? [String: Any] ?? [:]
    }

    public func items(sku: String? = nil, name: String? = nil) throws -> [[String: Any]] {
        var query: [String: String] = [:]
        query["sku"] = sku
        query["name"] = name
        return try api.all("items", key: "items", query: query)
    }

    public func createItem(_ item: [String: Any]) throws -> [String: Any] {
        try api.call("POST", "items", body: item)["item"] as? [String: Any] ?? [:]
    }

    /// Packs quantities of the order's lines: `[(so_line_item_id, quantity)]`.
    public func createPackage(salesOrderId: String, lines: [(lineItemId: String, quantity: Int)], date: String) throws -> [String: Any] {
        try api.call(
            "POST", "packages", query: ["salesorder_id": salesOrderId],
            body: [
                "date": date, "line_items": lines.map { ["so_line_item_id": $0.lineItemId, "quantity": $0.quantity] },
            ])["package"] as? [String: Any] ?? [:]
    }

    public func createShipment(salesOrderId: String, packageIds: [String], date: String, trackingNumber: String?, deliveryMethod: String?) throws -> [String:
        Any]
    {
        var body: [String: Any] = ["date": date]
        body["tracking_number"] = trackingNumber
        body["delivery_method"] = deliveryMethod
        return try api.call(
            "POST", "shipmentorders", query: ["salesorder_id": salesOrderId, "package_ids": packageIds.joined(separator: ",")],
            body: body)["shipmentorder"] as? [String: Any] ?? [:]
    }

    public func markDelivered(shipmentId: String) throws {
        _ = try api.call("POST", "shipmentorders/\(shipmentId)/status/delivered")
    }
}
