import Foundation
import Testing
import Connectors
import Sandbox

@Suite("Zoho Inventory items and fulfilment against the sandbox emulator")
struct ZohoFulfilmentTests {
    @Test func aConfirmedOrderIsPackedShippedAndDelivered() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let session = try ZohoFixtures.session(sandbox)
        let inventory = ZohoInventoryClient(session: session, organizationId: "20071234")
        let item = try inventory.createItem(["name": "Trail Tent 2P", "sku": "TENT-2P", "rate": "199.00"])
        #expect(try inventory.items(sku: "TENT-2P").first?["item_id"] as? String == item["item_id"] as? String)
        #expect(throws: ConnectorError.self) { try inventory.createItem(["name": "Copy", "sku": "TENT-2P", "rate": "1"]) }

        let customer = try #require(
            try ZohoBooksClient(session: session, organizationId: "20071234").createContact(["contact_name": "Shipper"])["contact_id"] as? String)
        let order = try inventory.createSalesOrder([
            "customer_id": customer, "reference_number": "ORDER-9",
            "line_items": [["item_id": item["item_id"]!, "rate": "199.00", "quantity": 2]],
        ])
        let orderId = try #require(order["salesorder_id"] as? String)
        let line = try #require((order["line_items"] as? [[String: Any]])?.first?["line_item_id"] as? String)
        let draft = #expect(throws: ConnectorError.self) { try inventory.createPackage(salesOrderId: orderId, lines: [(line, 1)], date: "2026-11-22") }
        #expect(draft?.message.contains("confirmed") == true)
        try inventory.markSalesOrder(orderId, status: "confirmed")
        #expect(throws: ConnectorError.self) { try inventory.createPackage(salesOrderId: orderId, lines: [(line, 3)], date: "2026-11-22") }
        let package = try inventory.createPackage(salesOrderId: orderId, lines: [(line, 2)], date: "2026-11-22")
        #expect(package["status"] as? String == "not_shipped")
        #expect(try inventory.salesOrder(orderId)["shipped_status"] as? String == "pending")
        let shipment = try inventory.createShipment(
            salesOrderId: orderId, packageIds: [try #require(package["package_id"] as? String)],
            date: "2026-11-22", trackingNumber: "1Z999", deliveryMethod: "UPS")
        #expect(shipment["tracking_number"] as? String == "1Z999")
        #expect(try inventory.salesOrder(orderId)["shipped_status"] as? String == "shipped")
        try inventory.markDelivered(shipmentId: try #require(shipment["shipment_id"] as? String))
        let done = try inventory.salesOrder(orderId)
        #expect(done["shipped_status"] as? String == "fulfilled")
        #expect((done["packages"] as? [[String: Any]])?.first?["status"] as? String == "delivered")
    }
}
