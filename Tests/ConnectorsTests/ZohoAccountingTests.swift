import Foundation
import Testing
import Connectors
import Sandbox

@Suite("Zoho Books accounting calls against the sandbox emulator")
struct ZohoAccountingTests {
    static func books(_ sandbox: SandboxServer) throws -> ZohoBooksClient {
        ZohoBooksClient(session: try ZohoFixtures.session(sandbox), organizationId: "20071234")
    }

    @Test func aCreditNoteIsAppliedToAnInvoiceAndTheRestRefunded() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let books = try Self.books(sandbox)
        let customer = try #require(try books.createContact(["contact_name": "Refund Customer"])["contact_id"] as? String)
        let invoice = try #require(
            try books.createInvoice(["customer_id": customer, "line_items": [["name": "Tent", "rate": "80.00", "quantity": 1]]])["invoice_id"] as? String)
        try books.markInvoiceSent(invoice)
        let note = try books.createCreditNote([
            "customer_id": customer, "date": "2026-11-22", "reference_number": "PT-REFUND-77",
            "line_items": [["name": "Returned tent", "rate": "100.00", "quantity": 1]],
        ])
        let noteId = try #require(note["creditnote_id"] as? String)
        #expect(note["status"] as? String == "open" && (note["creditnote_number"] as? String)?.hasPrefix("CN-") == true)
        #expect(try books.creditNotes(referenceNumber: "PT-REFUND-77").count == 1)
        try books.applyCreditNote(noteId, to: [(invoice, "80.00")])
        #expect(try books.invoices(referenceNumber: "").first { $0["invoice_id"] as? String == invoice }?["status"] as? String == "paid")
        let over = #expect(throws: ConnectorError.self) { try books.refundCreditNote(noteId, ["date": "2026-11-22", "amount": "20.01"]) }
        #expect(over?.kind == .permanent)
        let refund = try books.refundCreditNote(noteId, ["date": "2026-11-22", "amount": "20.00", "refund_mode": "Credit Card", "reference_number": "PT-555"])
        #expect(refund["creditnote_refund_id"] as? String != nil)
    }

    @Test func journalsMustBalanceAndCanBePublished() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let books = try Self.books(sandbox)
        let accounts = try books.chartOfAccounts()
        let fees = try #require(accounts.first { $0["account_name"] as? String == "Merchant Processing Fees" }?["account_id"] as? String)
        let bank = try #require(try books.chartOfAccounts(filterBy: "AccountType.Bank").first?["account_id"] as? String)
        let unbalanced = #expect(throws: ConnectorError.self) {
            try books.createJournal([
                "journal_date": "2026-11-22",
                "line_items": [
                    ["account_id": fees, "debit_or_credit": "debit", "amount": "3.10"], ["account_id": bank, "debit_or_credit": "credit", "amount": "3.00"],
                ],
            ])
        }
        #expect(unbalanced?.message.contains("must be equal") == true)
        let journal = try books.createJournal([
            "journal_date": "2026-11-22", "reference_number": "batch 41",
            "line_items": [
                ["account_id": fees, "debit_or_credit": "debit", "amount": "3.10"], ["account_id": bank, "debit_or_credit": "credit", "amount": "3.10"],
            ],
        ])
        #expect(journal["status"] as? String == "draft")
        #expect((journal["line_items"] as? [[String: Any]])?.first?["account_name"] as? String == "Merchant Processing Fees")
        try books.publishJournal(try #require(journal["journal_id"] as? String))
    }

    @Test func currenciesAndExchangeRatesHaveBooksShapes() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let books = try Self.books(sandbox)
        let currencies = try books.currencies()
        let base = try #require(currencies.first { $0["is_base_currency"] as? Bool == true })
        #expect(base["currency_code"] as? String == "USD")
        #expect(Set(base.keys).isSuperset(of: ["currency_id", "currency_code", "currency_name", "currency_symbol", "price_precision", "exchange_rate"]))
        let euro = try #require(currencies.first { $0["currency_code"] as? String == "EUR" }?["currency_id"] as? String)
        #expect(try books.exchangeRates(currencyId: euro).first?["rate"] != nil)
    }
}
