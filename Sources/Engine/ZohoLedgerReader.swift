import Foundation
import Connectors
import Domain
import Persistence

/// Zoho Books as a ledger for reconciliation: the customer payments and credit notes of a period,
/// each naming the PayTrace transaction it stands for, by Clearline's cross-reference when it
/// wrote the record, else by its `PT-<id>` reference.
struct ZohoLedgerReader {
    static let system = "zoho_books"
    let books: ZohoBooksClient

    /// The environment's Zoho connection with an organization: the Books that reconciliation
    /// reads, posts journals to and repairs, one choice for all three.
    static func connection(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName) throws -> Connection? {
        try ConnectionStore.list(tx, tenantId: tenantId, environment: environment, after: nil, limit: 100).items
            .first { $0.kind == .zoho && $0.text("organization_id") != nil }
    }

    /// `paymentLinks`: payment id → PayTrace transaction id, from the exactly-once ledger.
    func entries(from start: String, to end: String, paymentLinks: [String: Int]) throws -> [LedgerEntry] {
        let range = ["date_start": start, "date_end": end]
        let payments = try books.all("customerpayments", key: "customerpayments", query: range).compactMap { payment -> LedgerEntry? in
            guard let id = payment["payment_id"] as? String, let amount = Money.decimal(fromJSON: payment["amount"]) else { return nil }
            return LedgerEntry(
                system: Self.system, id: id, kind: .payment,
                transactionId: paymentLinks[id] ?? LedgerEntry.transactionId(inReference: payment["reference_number"] as? String), amount: amount,
                customer: payment["customer_id"] as? String, date: payment["date"] as? String ?? "")
        }
        let refunds = try books.all("creditnotes", key: "creditnotes", query: range).compactMap { note -> LedgerEntry? in
            guard let id = note["creditnote_id"] as? String, let amount = Money.decimal(fromJSON: note["total"]) else { return nil }
            return LedgerEntry(
                system: Self.system, id: id, kind: .refund, transactionId: LedgerEntry.transactionId(inReference: note["reference_number"] as? String),
                amount: amount, customer: note["customer_id"] as? String, date: note["date"] as? String ?? "")
        }
        return payments + refunds
    }
}
