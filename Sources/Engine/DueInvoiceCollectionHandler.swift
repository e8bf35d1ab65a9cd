public import Foundation
import Connectors
public import Domain
public import Persistence

/// `invoices.collect_due` (a `DueInvoiceScan`): reads one page of the Zoho Books invoices still
/// owed and due by the scan's day, and makes each a payment request of its customer's PayTrace
/// vault profile (the Books contact's `cf_paytrace_customer_id`), which the charge then pays
/// exactly once and posts back on the invoice. The page's requests are committed with the job of
/// the next page: a crash resumes at the page it stopped on, and an invoice that already has a
/// live request (from this scan or an earlier one) gets no second.
///
/// Books' `status=unpaid` lists what is owed; paying an invoice takes it off the list, so a later
/// page may start past invoices that moved up. The next slot's scan finds those.
public struct DueInvoiceCollectionHandler: JobHandler {
    /// The contact custom field that holds the PayTrace vault id (the order-to-cash template writes it).
    public static let customerField = "cf_paytrace_customer_id"
    static let perPage = 200

    public init() {}

    public func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let scan = JSONValue(parsing: job.payload).flatMap({ DueInvoiceScan(json: $0) }) else {
            throw PermanentJobFailure("a due-invoice scan names its connections, its day and its page")
        }
        let (tenantId, environment) = (job.tenantId, job.environment)
        let vault = context.vault
        let zoho = try context.database.transaction(.tenant(tenantId)) { tx -> (Connection, [String: String])? in
            guard let payTrace = try ConnectionStore.get(tx, tenantId: tenantId, environment: environment, id: scan.payTraceConnectionId),
                payTrace.kind == .paytrace,
                let zoho = try ConnectionStore.get(tx, tenantId: tenantId, environment: environment, id: scan.zohoConnectionId), zoho.kind == .zoho
            else { return nil }
            return (zoho, try ConnectionStore.secrets(tx, vault: vault, connection: zoho))
        }
        guard let (connection, secrets) = zoho else { throw PermanentJobFailure("the scan's Zoho or PayTrace connection is no longer in this environment") }
        let books = try ZohoClients.forConnection(connection, secrets: secrets).books
        let envelope = try books.call(
            "GET", "invoices",
            query: [
                "status": "unpaid", "due_date_end": scan.dueBy, "sort_column": "due_date", "page": String(scan.page), "per_page": String(Self.perPage),
            ])
        let invoices = envelope["invoices"] as? [[String: Any]] ?? []
        let more = !invoices.isEmpty && (envelope["page_context"] as? [String: Any])?["has_more_page"] as? Bool == true

        var vaultIds: [String: String?] = [:]
        var collected: [(PaymentRequestDraft, PaymentRequest.InvoiceLink)] = []
        var unlinked: [(contact: String, name: String, invoice: String)] = []
        for invoice in invoices {
            guard let invoiceId = invoice["invoice_id"] as? String, let contactId = invoice["customer_id"] as? String,
                let balance = Self.decimal(invoice["balance"]), balance > 0, (invoice["currency_code"] as? String ?? "USD") == "USD"
            else { continue }
            if vaultIds[contactId] == nil { vaultIds[contactId] = .some(try Self.vaultId(books, contactId: contactId)) }
            let number = invoice["invoice_number"] as? String ?? invoiceId
            guard let customerId = vaultIds[contactId] ?? nil else {
                unlinked.append((contactId, invoice["customer_name"] as? String ?? contactId, number))
                continue
            }
            let (draft, _) = PaymentRequestDraft.parse(
                customerId: customerId, amount: "\(balance)", currency: "USD", description: "Zoho Books invoice \(number)", externalReference: number)
            if let draft { collected.append((draft, PaymentRequest.InvoiceLink(connectionId: connection.id, invoiceId: invoiceId))) }
        }
        let (attempts, charges, missing) = (job.maxAttempts, collected, unlinked)
        return JobEffects(summary: ["request": "due invoices by \(scan.dueBy), page \(scan.page)", "response": "\(charges.count) to charge"]) { tx in
            for (draft, invoice) in charges {
                _ = try PaymentRequestStore.create(
                    tx, tenantId: tenantId, environment: environment, connectionId: scan.payTraceConnectionId, draft, maxAttempts: attempts, invoice: invoice)
            }
            for contact in missing {
                _ = try AlertStore.raise(
                    tx, tenantId: tenantId, environment: environment, kind: "invoice_collection", subject: "zoho_contact:\(contact.contact)",
                    message: "Invoice \(contact.invoice) of \(contact.name) is due, but the Zoho Books contact has no PayTrace customer id "
                        + "(\(Self.customerField)), so it cannot be charged. Add the customer to PayTrace's vault and the id to the contact.")
            }
            if more {
                _ = try JobQueue.enqueue(
                    tx, [NewJob(tenantId: tenantId, environment: environment, kind: .dueInvoiceCollection, payload: scan.nextPage.json.canonicalText)])
            }
        }
    }

    /// The PayTrace vault id on a Books contact, if it has one.
    static func vaultId(_ books: ZohoBooksClient, contactId: String) throws -> String? {
        let fields = try books.contact(id: contactId)?["custom_fields"] as? [[String: Any]] ?? []
        let value = fields.first { ($0["api_name"] as? String) == customerField || ($0["placeholder"] as? String) == customerField }?["value"]
        guard let text = (value as? String)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    /// Books' amounts arrive as JSON numbers (or, from some clients' echoes, strings): read through their decimal text.
    static func decimal(_ value: Any?) -> Decimal? {
        switch value {
        case let number as NSNumber: Decimal(string: number.stringValue, locale: Locale(identifier: "en_US_POSIX"))
        case let text as String: Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        default: nil
        }
    }
}
