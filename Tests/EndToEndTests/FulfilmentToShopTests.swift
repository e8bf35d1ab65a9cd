import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import ClearlineTesting
import Connectors
import Crypto
import Sandbox

/// Zoho Inventory ships, then delivers, a sales order; its webhook reaches Clearline, and the
/// shop gets one signed delivery per status, the first after two failed attempts.
@Suite("Fulfilment from Zoho Inventory back to the shop", .requiresDatabase)
struct FulfilmentToShopTests {
    @Test func eachStatusReachesTheShopOnceSignedThroughFailures() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let session = try await VendorFixtures.connectedZoho(tenant, sandbox: sandbox)
        let secret = "shop-secret-\(UUID().uuidString)"
        let shop = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/environments/dev/connections",
            json: [
                "kind": "shop", "name": "Storefront", "settings": ["webhook_url": sandbox.baseURL + "/shop/hooks"], "secrets": ["signing_secret": secret],
            ])
        try #require(shop.status == 201, "\(shop.text)")
        let check = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections/\(shop["id"]!)/test")
        #expect(check.status == 200 && check.json["ok"] as? Bool == true, "\(check.text)")
        try await FlowFixtures.deployTemplate(tenant, "zoho-fulfilment-to-shop")
        // Zoho's webhook on sales orders, to an intake endpoint that checks Zoho's signature.
        let hook = try await Hooks.endpoint(tenant, verification: "zoho_signature", source: "zoho_inventory")
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        _ = try books.createWebhook(
            name: "Clearline", entity: "salesorder", url: TestServer.shared.baseURL + "/hooks/\(hook.id)", secret: hook.secret, events: ["updated"])

        let pool = TestWorkers.pool(tenant: tenantId)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        let inventory = ZohoInventoryClient(session: session, organizationId: "20071234")
        let customer = try #require(try books.createContact(["contact_name": "Shop buyer"])["contact_id"] as? String)
        let order = try inventory.createSalesOrder([
            "customer_id": customer, "reference_number": "SHOP-1001", "line_items": [["name": "Tent", "rate": "199.00", "quantity": 1]],
        ])
        let orderId = try #require(order["salesorder_id"] as? String)
        let line = try #require((order["line_items"] as? [[String: Any]])?.first?["line_item_id"] as? String)
        try inventory.markSalesOrder(orderId, status: "confirmed")
        let package = try inventory.createPackage(salesOrderId: orderId, lines: [(line, 1)], date: "2026-11-22")
        // The shop is down for the first two attempts.
        sandbox.faults.inject(.status(503, retryAfter: nil), service: "shop", count: 2)
        let shipment = try inventory.createShipment(
            salesOrderId: orderId, packageIds: [try #require(package["package_id"] as? String)],
            date: "2026-11-22", trackingNumber: "1Z999", deliveryMethod: "UPS")
        func deliveries() throws -> [[String: Any]] {
            let reply = try HTTPTransport().send(URLRequest(url: URL(string: sandbox.baseURL + "/_sandbox/shop/deliveries")!), vendor: "sandbox")
            let all = (try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])?["deliveries"] as? [[String: Any]] ?? []
            return all.filter { $0["event_type"] as? String == "fulfilment.updated" }
        }
        #expect(try await Wait.until(30) { try deliveries().count == 1 })
        try inventory.markDelivered(shipmentId: try #require(shipment["shipment_id"] as? String))
        #expect(try await Wait.until(30) { try deliveries().count == 2 })
        // Everything settled: every webhook Zoho queued was delivered and processed, so no later
        // delivery to the shop can still come.
        func zohoWebhooksPending() throws -> Int {
            let reply = try HTTPTransport().send(URLRequest(url: URL(string: sandbox.baseURL + "/_sandbox/zoho/webhooks/deliveries")!), vendor: "sandbox")
            return (try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])?["pending"] as? Int ?? -1
        }
        #expect(try await Wait.until(60) { try zohoWebhooksPending() == 0 && TestWorkers.queueIsEmpty(tenantId) })
        let received = try deliveries()
        #expect(received.count == 2, "one per status, however many updates Zoho sent")
        #expect(Set(received.compactMap { $0["event_id"] as? String }) == ["fulfilment:\(orderId):shipped", "fulfilment:\(orderId):fulfilled"])
        for delivery in received {
            let body = try #require(delivery["body"] as? String)
            try SignatureHeader.verify(
                delivery["signature"] as? String, body: Array(body.utf8), keys: [Array(secret.utf8)], now: Int(Date().timeIntervalSince1970))
            let event = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let data = try #require(event["data"] as? [String: Any])
            #expect(data["order_id"] as? String == "SHOP-1001")
        }
        let attempts = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.one("SELECT count(*) AS n FROM job_attempts WHERE tenant_id = $1 AND outcome = 'failed'", [tenantId])!.int("n")
        }
        #expect(attempts >= 2, "the shop's two 503s were retried")
    }
}
