import Foundation
import Connectors
import Domain

/// Writes one mapped record to Zoho, safely repeatable: `find` searches the target by the
/// record's business key (an earlier attempt may have written it and lost the answer), because
/// neither Zoho Books nor Inventory takes an idempotency key; `create` writes it.
struct ZohoTargetWriter: TargetWriter {
    let clients: ZohoClients

    static let currencyTargets: Set<String> = [
        "zoho_books.contact", "zoho_books.salesorder", "zoho_books.invoice", "zoho_books.customerpayment",
        "zoho_books.creditnote",
    ]

    /// The record an earlier attempt wrote, found by its business key (a contact by name, a
    /// transaction by reference number, a refund by its reference on the credit note). Nil for
    /// targets whose write is safe to repeat (a status set, a void, a delete, a CRM upsert).
    func find(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String? {
        let reference = record["reference_number"]?.string
        switch schema.name {
        case "zoho_books.contact":
            let name = record["contact_name"]?.string ?? ""
            // Books keeps names unique whatever their case, and its filter matches them so.
            let lowered = name.lowercased()
            return try clients.books.contacts(name: name).first(where: { ($0["contact_name"] as? String)?.lowercased() == lowered })
                .map { try Self.id($0, "contact_id") }
        case "zoho_books.salesorder":
            guard let reference else { return nil }
            return try clients.inventory.salesOrders(referenceNumber: reference).first.map { try Self.id($0, "salesorder_id") }
        case "zoho_books.invoice":
            guard let reference, let invoice = try clients.books.invoices(referenceNumber: reference).first else { return nil }
            let id = try Self.id(invoice, "invoice_id")
            // An earlier attempt created it and was lost before marking it sent: finish that.
            if invoice["status"] as? String == "draft" { try clients.books.markInvoiceSent(id) }
            return id
        case "zoho_books.customerpayment":
            guard let reference else { return nil }
            return try clients.books.customerPayments(referenceNumber: reference).first.map { try Self.id($0, "payment_id") }
        case "zoho_books.creditnote":
            guard let reference else { return nil }
            return try clients.books.creditNotes(referenceNumber: reference).first.map { try Self.id($0, "creditnote_id") }
        case "zoho_books.creditnote_refund":
            let note = record["creditnote_id"]?.string ?? ""
            return try clients.books.creditNoteRefunds(note).first(where: { $0["reference_number"] as? String == reference })
                .map { try Self.id($0, "creditnote_refund_id") }
        case "zoho_books.journal":
            guard let reference else { return nil }
            return try clients.books.journals(referenceNumber: reference).first.map { try Self.id($0, "journal_id") }
        default:
            return nil
        }
    }

    /// The business key each search above looks for. A contact's name may also be taken by a
    /// contact someone else made; Books refuses the create then (code 1001), and `create` adopts
    /// that contact. A record made outside Clearline with the same reference number is not looked
    /// for on a first write.
    func searchKey(_ schema: TargetSchema, _ record: JSONValue) -> String? { Self.searchKey(schema, record) }

    /// The fields `searchKey` reads.
    static let searchKeyFields: Set<String> = ["contact_name", "reference_number", "creditnote_id"]

    static func searchKey(_ schema: TargetSchema, _ record: JSONValue) -> String? {
        let reference = record["reference_number"]?.string
        switch schema.name {
        case "zoho_books.contact": return "name:" + (record["contact_name"]?.string ?? "").lowercased()
        case "zoho_books.salesorder", "zoho_books.invoice", "zoho_books.customerpayment", "zoho_books.creditnote", "zoho_books.journal":
            return reference.map { "reference:" + $0 }
        case "zoho_books.creditnote_refund":
            return reference.map { "creditnote:\(record["creditnote_id"]?.string ?? ""):reference:\($0)" }
        default: return nil
        }
    }

    func create(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String {
        var body = Self.object(record)
        if Self.currencyTargets.contains(schema.name), body["currency_code"] != nil {
            try ZohoCurrencies.of(clients.books).apply(to: &body, contact: schema.name == "zoho_books.contact")
        }
        let reference = record["reference_number"]?.string
        switch schema.name {
        case "zoho_books.contact":
            do {
                return try Self.id(try clients.books.createContact(body), "contact_id")
            } catch let error as ConnectorError where error.message.contains("(code 1001)") {
                // Books keeps contact names unique: another writer (a second tenant on the same
                // organization, a person in Books) took this name between the search and the
                // create. The name is the business key, so that contact is the one to use.
                guard let found = try find(schema, record, key: key) else { throw error }
                return found
            }
        case "zoho_books.salesorder":
            return try Self.id(try clients.inventory.createSalesOrder(body), "salesorder_id")
        case "zoho_books.invoice":
            // Books creates invoices as drafts, and records no payment against a draft.
            let id = try Self.id(try clients.books.createInvoice(body), "invoice_id")
            try clients.books.markInvoiceSent(id)
            return id
        case "zoho_books.customerpayment":
            return try Self.id(try clients.books.createCustomerPayment(body), "payment_id")
        case "zoho_books.creditnote":
            return try Self.id(try clients.books.createCreditNote(body), "creditnote_id")
        case "zoho_books.creditnote_refund":
            let note = record["creditnote_id"]?.string ?? ""
            var refund = body
            refund.removeValue(forKey: "creditnote_id")
            refund["from_account_id"] = try resolveAccount(body["from_account_id"] as? String ?? "")
            return try Self.id(try clients.books.refundCreditNote(note, refund), "creditnote_refund_id")
        case "zoho_books.journal":
            let journal = try clients.books.createJournal(try resolveAccounts(body))
            let id = try Self.id(journal, "journal_id")
            if record["status"]?.string == "published" { try clients.books.publishJournal(id) }
            return id
        case "zoho_inventory.salesorder_payment_status":
            guard let reference, let order = try clients.inventory.salesOrders(referenceNumber: reference).first else {
                throw StepSkipped(reason: "no Zoho Inventory sales order has reference \(reference ?? "(none)")")
            }
            let id = try Self.id(order, "salesorder_id")
            // Setting the same value again changes nothing: safe to repeat.
            try clients.inventory.updateSalesOrder(id, customFields: ["cf_payment_status": record["payment_status"]?.string ?? ""])
            return id
        case "zoho_books.invoice_void":
            let id = record["invoice_id"]?.string ?? ""
            _ = try clients.books.call("POST", "invoices/\(id)/status/void")
            return id
        case "zoho_books.customerpayment_delete":
            let id = record["payment_id"]?.string ?? ""
            do {
                _ = try clients.books.call("DELETE", "customerpayments/\(id)")
            } catch let error as ConnectorError where error.message.contains("(code 1002)") {
                // Deleted by an earlier attempt whose answer was lost: the effect stands.
            }
            return id
        case "zoho_crm.contact":
            return try Self.crm(try clients.crm.upsert("Contacts", [body], duplicateCheckFields: ["Email"]))
        case "zoho_crm.deal":
            return try Self.crm(try clients.crm.upsert("Deals", [body], duplicateCheckFields: ["Deal_Name"]))
        default:
            throw PermanentJobFailure("\(schema.title) is not written through Zoho.")
        }
    }

    /// Journal lines may name an account by its code (`code:6150`), which stays the same across
    /// organizations where the id does not; the chart of accounts gives the id.
    func resolveAccounts(_ journal: [String: Any]) throws -> [String: Any] {
        guard var lines = journal["line_items"] as? [[String: Any]], lines.contains(where: { ($0["account_id"] as? String)?.hasPrefix("code:") == true }) else {
            return journal
        }
        let chart = try clients.books.chartOfAccounts()
        for index in lines.indices {
            if let text = lines[index]["account_id"] as? String { lines[index]["account_id"] = try resolveAccount(text, chart: chart) }
        }
        var resolved = journal
        resolved["line_items"] = lines
        return resolved
    }

    /// `code:<n>` as the id of the account with that code; any other text is an id already.
    func resolveAccount(_ text: String, chart: [[String: Any]]? = nil) throws -> String {
        guard text.hasPrefix("code:") else { return text }
        let code = String(text.dropFirst(5))
        let chart = try chart ?? clients.books.chartOfAccounts()
        guard let account = chart.first(where: { "\($0["account_code"] ?? "")" == code }), let id = account["account_id"] as? String else {
            throw PermanentJobFailure("Zoho Books has no account with code \(code) in its chart of accounts.")
        }
        return id
    }

    /// The record as the Foundation object Zoho's clients send, read from its JSON text
    /// (canonical: written by hand, where JSONEncoder was 1 % of the workers' CPU).
    static func object(_ value: JSONValue) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(value.canonicalJSON))) as? [String: Any] ?? [:]
    }

    static func id(_ record: [String: Any], _ key: String) throws -> String {
        if let text = record[key] as? String, !text.isEmpty { return text }
        if let number = record[key] as? NSNumber { return number.stringValue }
        throw ConnectorError(.retryable, "Zoho's answer had no \(key); the write will be looked up and retried.")
    }

    static func crm(_ outcomes: [ZohoCRMClient.Outcome]) throws -> String {
        guard let first = outcomes.first else { throw ConnectorError(.retryable, "Zoho CRM answered no record.") }
        return first.id
    }
}
