import Foundation
import Testing
import Connectors
import Sandbox

@Suite("Zoho Inventory and CRM clients against the sandbox emulator")
struct ZohoInventoryAndCRMTests {
    @Test func aSalesOrderIsCreatedFoundByReferenceConfirmedAndVoided() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let session = try ZohoFixtures.session(sandbox)
        let customer = try #require(
            try ZohoBooksClient(session: session, organizationId: "20071234")
                .createContact(["contact_name": "Jane Doe"])["contact_id"] as? String)
        let inventory = ZohoInventoryClient(session: session, organizationId: "20071234")
        let order = try inventory.createSalesOrder([
            "customer_id": customer, "reference_number": "ORDER-100234",
            "line_items": [["name": "Widget Pro", "rate": 24.995, "quantity": 2]],
        ])
        let id = try #require(order["salesorder_id"] as? String)
        #expect(order["status"] as? String == "draft")
        try inventory.markSalesOrder(id, status: "confirmed")
        #expect(try inventory.salesOrders(referenceNumber: "ORDER-100234").first?["status"] as? String == "confirmed")
        try inventory.markSalesOrder(id, status: "void")
        let again = #expect(throws: ConnectorError.self) { try inventory.markSalesOrder(id, status: "confirmed") }
        #expect(again?.kind == .permanent)
        let unknown = #expect(throws: ConnectorError.self) {
            try inventory.createSalesOrder(["customer_id": "1", "line_items": [["name": "x", "rate": 1, "quantity": 1]]])
        }
        #expect(unknown?.message.contains("1002") == true)
    }

    @Test func upsertInsertsThenUpdatesByTheDuplicateCheckField() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let crm = ZohoCRMClient(session: try ZohoFixtures.session(sandbox))
        #expect(try crm.search("Contacts", email: "jane@example.com").isEmpty, "no record: Zoho answers 204")
        let first = try crm.upsert("Contacts", [["Last_Name": "Doe", "First_Name": "Jane", "Email": "jane@example.com"]], duplicateCheckFields: ["Email"])
        #expect(first.first?.action == "insert")
        let second = try crm.upsert("Contacts", [["Email": "JANE@example.com", "Phone": "+1-555-0100"]], duplicateCheckFields: ["Email"])
        #expect(second.first?.action == "update" && second.first?.id == first.first?.id && second.first?.duplicateField == "Email")
        let record = try #require(try crm.record("Contacts", id: first.first!.id))
        #expect(record["Phone"] as? String == "+1-555-0100" && record["Last_Name"] as? String == "Doe")
        #expect(try crm.search("Contacts", email: "jane@example.com").count == 1)
        let deal = try crm.upsert("Deals", [["Deal_Name": "Order 100234", "Stage": "Closed Won", "Amount": 49.99]], duplicateCheckFields: ["Deal_Name"])
        #expect(deal.first?.action == "insert")
        let missing = #expect(throws: ConnectorError.self) {
            try crm.upsert("Deals", [["Deal_Name": "Order 100235"]], duplicateCheckFields: ["Deal_Name"])
        }
        #expect(missing?.message.contains("MANDATORY_NOT_FOUND") == true)
        let module = #expect(throws: ConnectorError.self) { try crm.upsert("Widgets", [["Name": "x"]], duplicateCheckFields: []) }
        #expect(module?.message.contains("INVALID_MODULE") == true)
    }

    @Test func crmRefreshesAnExpiredTokenOnce() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let crm = ZohoCRMClient(session: try ZohoFixtures.session(sandbox))
        _ = try crm.upsert("Accounts", [["Account_Name": "Acme Corp"]], duplicateCheckFields: [])
        sandbox.zohoAccounts.expireAccessTokens()
        #expect(try crm.upsert("Accounts", [["Account_Name": "acme corp", "Phone": "1"]], duplicateCheckFields: []).first?.action == "update")
    }
}
