import Foundation
import Testing
import Connectors
import Sandbox

@Suite("Zoho Books client against the sandbox emulator")
struct ZohoBooksClientTests {
    static func books(_ sandbox: SandboxServer, organization: String = "20071234") throws -> ZohoBooksClient {
        ZohoBooksClient(session: try ZohoFixtures.session(sandbox), organizationId: organization)
    }

    @Test func aSaleBecomesAContactAnInvoiceAndAPaymentThatPaysIt() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let books = try Self.books(sandbox)
        #expect(try books.organizations().first?["organization_id"] as? String == "20071234")
        let contact = try books.createContact(["contact_name": "Jane Doe", "contact_persons": [["email": "jane@example.com", "is_primary_contact": true]]])
        let contactId = try #require(contact["contact_id"] as? String)
        #expect(try books.contacts(email: "jane@example.com").count == 1)
        let invoice = try books.createInvoice([
            "customer_id": contactId, "reference_number": "PT-395970044",
            "line_items": [["name": "Widget Pro", "rate": "24.995", "quantity": 2]],
        ])
        let invoiceId = try #require(invoice["invoice_id"] as? String)
        #expect(try books.invoices(referenceNumber: "PT-395970044").map { $0["invoice_id"] as? String } == [invoiceId])
        let total = try #require(invoice["total"] as? NSNumber)
        // Created through the API, an invoice is a draft, and a draft takes no payment.
        #expect(invoice["status"] as? String == "draft")
        let early = #expect(throws: ConnectorError.self) {
            try books.createCustomerPayment([
                "customer_id": contactId, "payment_mode": "creditcard", "amount": total, "invoices": [["invoice_id": invoiceId, "amount_applied": total]],
            ])
        }
        #expect(early?.message.contains("code 24019") == true)
        try books.markInvoiceSent(invoiceId)
        try books.markInvoiceSent(invoiceId)
        #expect(try books.invoices(referenceNumber: "PT-395970044").first?["status"] as? String == "sent")
        let payment = try books.createCustomerPayment([
            "customer_id": contactId, "payment_mode": "creditcard", "amount": total,
            "date": "2026-11-22", "reference_number": "395970044",
            "invoices": [["invoice_id": invoiceId, "amount_applied": total]],
        ])
        #expect(payment["status"] as? String == "success")
        #expect(try books.invoices(referenceNumber: "PT-395970044").first?["status"] as? String == "paid")
        #expect(try books.customerPayments(referenceNumber: "395970044").count == 1)
        // A payment for an invoice that is already paid is refused, not recorded twice.
        let again = #expect(throws: ConnectorError.self) {
            try books.createCustomerPayment([
                "customer_id": contactId, "payment_mode": "creditcard", "amount": total, "date": "2026-11-22",
                "invoices": [["invoice_id": invoiceId, "amount_applied": total]],
            ])
        }
        #expect(again?.kind == .permanent)
        #expect(again?.message.contains("24016") == true)
    }

    @Test func duplicatesAndWrongOrganizationsAreNamedByCode() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let books = try Self.books(sandbox)
        _ = try books.createContact(["contact_name": "Acme Corp"])
        let duplicate = #expect(throws: ConnectorError.self) { try books.createContact(["contact_name": "acme corp"]) }
        #expect(duplicate?.message.contains("1001") == true)
        let elsewhere = try Self.books(sandbox, organization: "999")
        let wrong = #expect(throws: ConnectorError.self) { try elsewhere.contacts() }
        #expect(wrong?.message.contains("9017") == true)
    }

    @Test func anExpiredAccessTokenIsRefreshedOnce() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let books = try Self.books(sandbox)
        _ = try books.organizations()
        sandbox.zohoAccounts.expireAccessTokens()
        #expect(try books.organizations().count == 1, "401, one refresh, the same call again")
        sandbox.zohoAccounts.revokeAllRefreshTokens()
        sandbox.zohoAccounts.expireAccessTokens()
        let revoked = #expect(throws: ConnectorError.self) { try books.organizations() }
        #expect(revoked?.kind == .authentication)
    }
}
