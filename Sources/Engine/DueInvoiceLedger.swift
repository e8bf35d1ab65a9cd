import Foundation
import Connectors
import Domain
import Persistence

/// What a due-invoice collection reads from a ledger, and tells it: the invoices owed and due,
/// the PayTrace vault id of each one's customer, what a payment request links to, and the mark
/// on an invoice no longer charged.
protocol DueInvoiceLedger {
    var connection: Connection { get }
    /// "Zoho Books", "Sage Pro": for people.
    var name: String { get }
    /// One page of the invoices owed in US dollars and due by the scan's day, and whether more follow.
    func dueInvoices(_ scan: DueInvoiceScan, perPage: Int) throws -> (invoices: [DueInvoice], more: Bool)
    /// The PayTrace vault id of the invoice's customer, if it has one.
    func vaultId(_ invoice: DueInvoice) throws -> String?
    /// Where the ledger keeps the vault id, for the alert that says one is missing.
    var vaultIdAdvice: String { get }
    /// What the charge's payment request links to, for the payment to be posted on.
    func link(_ invoice: DueInvoice) -> PaymentRequest.InvoiceLink
    /// Marks the invoice as no longer charged automatically, where the ledger has a place for it.
    func markGivenUp(_ invoice: DueInvoice, attempts: Int) throws
}

/// An invoice still owed, as a collection reads it from either ledger.
struct DueInvoice {
    let id: String
    let number: String
    /// The Books contact id, or Pro's CUSTNO.
    let customerId: String
    let customerName: String
    let balance: Decimal
}

/// Zoho Books: `status=unpaid` invoices due by the day, a page at a time; the vault id is the
/// contact's `cf_paytrace_customer_id` (the order-to-cash template writes it).
final class BooksDueInvoices: DueInvoiceLedger {
    static let customerField = "cf_paytrace_customer_id"
    let connection: Connection
    let books: ZohoBooksClient
    private var vaultIds: [String: String?] = [:]

    init(connection: Connection, books: ZohoBooksClient) {
        self.connection = connection
        self.books = books
    }

    var name: String { "Zoho Books" }
    var vaultIdAdvice: String { "Add the customer to PayTrace's vault and the id to the Books contact (\(Self.customerField))." }

    func dueInvoices(_ scan: DueInvoiceScan, perPage: Int) throws -> (invoices: [DueInvoice], more: Bool) {
        let envelope = try books.call(
            "GET", "invoices",
            query: ["status": "unpaid", "due_date_end": scan.dueBy, "sort_column": "due_date", "page": String(scan.page), "per_page": String(perPage)])
        let invoices = (envelope["invoices"] as? [[String: Any]] ?? []).compactMap { invoice -> DueInvoice? in
            guard let id = invoice["invoice_id"] as? String, let contactId = invoice["customer_id"] as? String,
                let balance = Money.decimal(fromJSON: invoice["balance"]), balance > 0, (invoice["currency_code"] as? String ?? "USD") == "USD"
            else { return nil }
            return DueInvoice(
                id: id, number: invoice["invoice_number"] as? String ?? id, customerId: contactId,
                customerName: invoice["customer_name"] as? String ?? contactId, balance: balance)
        }
        return (invoices, !invoices.isEmpty && (envelope["page_context"] as? [String: Any])?["has_more_page"] as? Bool == true)
    }

    func vaultId(_ invoice: DueInvoice) throws -> String? {
        if let known = vaultIds[invoice.customerId] { return known }
        let fields = try books.contact(id: invoice.customerId)?["custom_fields"] as? [[String: Any]] ?? []
        let value = fields.first { ($0["api_name"] as? String) == Self.customerField || ($0["placeholder"] as? String) == Self.customerField }?["value"]
        let text = (value as? String)?.trimmingCharacters(in: .whitespaces)
        let id = text?.isEmpty == false ? text : nil
        vaultIds[invoice.customerId] = .some(id)
        return id
    }

    func link(_ invoice: DueInvoice) -> PaymentRequest.InvoiceLink { PaymentRequest.InvoiceLink(connectionId: connection.id, invoiceId: invoice.id) }

    // Marked in Books before the report is committed: a crash in between marks it twice (a
    // second comment), never leaves it reported and unmarked.
    func markGivenUp(_ invoice: DueInvoice, attempts: Int) throws {
        _ = try books.call(
            "POST", "invoices/\(invoice.id)/comments",
            body: ["description": "Clearline: payment failed. The card on file was declined \(attempts) times; the invoice is no longer charged automatically."]
        )
    }
}

/// Sage Pro through its agent: ARMAST's open invoices due by the day (`invoice.list_open`), read
/// whole on a pass's first page (the agent pages the read itself); the vault id is the
/// collection's prefix and the CUSTNO, since Pro has no field for it. Pro has no place for a
/// mark: the event and the alert tell it.
struct ProDueInvoices: DueInvoiceLedger {
    let connection: Connection
    let commands: SageAgentCommands
    let customerIdPrefix: String

    var name: String { "Sage Pro" }
    var vaultIdAdvice: String { "Add the customer to PayTrace's vault as \(customerIdPrefix)<CUSTNO>." }

    func dueInvoices(_ scan: DueInvoiceScan, perPage: Int) throws -> (invoices: [DueInvoice], more: Bool) {
        // One read per pass (and wait), each its own command: a retried job gets the same answer.
        let readId = "due-invoices:\(Timestamp.format(scan.at)):\(scan.dueBy):\(scan.pass):\(scan.waits)"
        let rows = try commands.readAll(.listOpenInvoices, "invoices", ["due_by": .string(scan.dueBy)], readId: readId)
        let invoices = rows.compactMap { row -> DueInvoice? in
            guard let invno = row["invno"]?.string, let custno = row["custno"]?.string, let balance = row["balance"]?.string.flatMap({ Decimal(string: $0) }),
                balance > 0
            else { return nil }
            return DueInvoice(id: invno, number: invno, customerId: custno, customerName: row["company"]?.string ?? custno, balance: balance)
        }
        return (invoices, false)
    }

    func vaultId(_ invoice: DueInvoice) throws -> String? { customerIdPrefix + invoice.customerId }

    func link(_ invoice: DueInvoice) -> PaymentRequest.InvoiceLink {
        PaymentRequest.InvoiceLink(connectionId: connection.id, invoiceId: invoice.id, customer: invoice.customerId)
    }

    func markGivenUp(_ invoice: DueInvoice, attempts: Int) throws {}
}
