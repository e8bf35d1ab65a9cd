import Foundation
import Testing
import Connectors
import Sandbox

/// Books gives at most 200 records a page; the client follows `page_context.has_more_page` to
/// the end, so a search before a write, or a look-up in a large chart of accounts, sees them all.
@Suite("Zoho Books lists longer than one page")
struct ZohoBooksPagingTests {
    @Test func listsOfMoreThan200RecordsAreReadToTheEnd() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let books = ZohoBooksClient(session: try ZohoFixtures.session(sandbox), organizationId: "20071234")
        let customer = try #require(try books.createContact(["contact_name": "Many Invoices"])["contact_id"] as? String)
        for index in 0..<230 {
            _ = try books.createInvoice([
                "customer_id": customer, "reference_number": "BULK-1", "line_items": [["name": "Line \(index)", "rate": "1.00", "quantity": 1]],
            ])
        }
        let first = try books.call("GET", "invoices", query: ["reference_number": "BULK-1"])
        let context = try #require(first["page_context"] as? [String: Any])
        #expect((first["invoices"] as? [[String: Any]])?.count == 200 && context["has_more_page"] as? Bool == true && context["per_page"] as? Int == 200)
        let all = try books.invoices(referenceNumber: "BULK-1")
        #expect(all.count == 230 && Set(all.compactMap { $0["invoice_id"] as? String }).count == 230)

        // The chart of accounts is listed by name: 205 new accounts push the defaults past page one.
        for index in 0..<205 {
            _ = try books.call("POST", "chartofaccounts", body: ["account_name": String(format: "Advertising %03d", index), "account_type": "expense"])
        }
        let chart = try books.chartOfAccounts()
        #expect(chart.count == 212)
        #expect(chart.contains { $0["account_code"] as? String == "6150" }, "Chargebacks is on the second page")
    }
}
