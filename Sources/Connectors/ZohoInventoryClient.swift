/// Zoho Inventory API v1 (../shared/reference/zoho.md section 3): Books' envelope and
/// organization under `inventory/v1`; sales orders, found again by `reference_number`.
public struct ZohoInventoryClient: Sendable {
    let api: ZohoBooksClient

    public init(session: ZohoSession, organizationId: String) {
        api = ZohoBooksClient(session: session, organizationId: organizationId, root: "inventory/v1", vendor: "Zoho Inventory")
    }

    public func salesOrders(referenceNumber: String) throws -> [[String: Any]] {
        try api.call("GET", "salesorders", query: ["reference_number": referenceNumber])["salesorders"] as? [[String: Any]] ?? []
    }

    public func createSalesOrder(_ order: [String: Any]) throws -> [String: Any] {
        try api.call("POST", "salesorders", body: order)["salesorder"] as? [String: Any] ?? [:]
    }

    /// `confirmed` or `void`.
    public func markSalesOrder(_ id: String, status: String) throws {
        _ = try api.call("POST", "salesorders/\(id)/status/\(status)")
    }
}
