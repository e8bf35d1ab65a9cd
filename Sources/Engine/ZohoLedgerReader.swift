import Foundation
import Connectors
import Domain

/// Zoho Books as a ledger for reconciliation: the customer payments and credit notes of a period,
/// each naming the PayTrace transaction it stands for, by Clearline's cross-reference when it
/// wrote the record, else by its `PT-<id>` reference.
struct ZohoLedgerReader {
    static let system = "zoho_books"
    let books: ZohoBooksClient

    /// `paymentLinks`: payment id → PayTrace transaction id, from the exactly-once ledger.
    func entries(from start: String, to end: String, paymentLinks: [String: Int]) throws -> [LedgerEntry] {
        let range = ["date_start": start, "date_end": end]
        let payments = try books.all("customerpayments", key: "customerpayments", query: range).compactMap { payment -> LedgerEntry? in
            guard let id = payment["payment_id"] as? String, let amount = Self.decimal(payment["amount"]) else { return nil }
            return LedgerEntry(
                system: Self.system, id: id, kind: .payment,
                transactionId: paymentLinks[id] ?? LedgerEntry.transactionId(inReference: payment["reference_number"] as? String), amount: amount,
                customer: payment["customer_id"] as? String, date: payment["date"] as? String ?? "")
        }
        let refunds = try books.all("creditnotes", key: "creditnotes", query: range).compactMap { note -> LedgerEntry? in
            guard let id = note["creditnote_id"] as? String, let amount = Self.decimal(note["total"]) else { return nil }
            return LedgerEntry(
                system: Self.system, id: id, kind: .refund, transactionId: LedgerEntry.transactionId(inReference: note["reference_number"] as? String),
                amount: amount, customer: note["customer_id"] as? String, date: note["date"] as? String ?? "")
        }
        return payments + refunds
    }

    /// Books sends amounts as JSON numbers: read through their text, never Double arithmetic.
    static func decimal(_ value: Any?) -> Decimal? {
        switch value {
        case let number as NSNumber: Decimal(string: number.stringValue, locale: Locale(identifier: "en_US_POSIX"))
        case let text as String: Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        default: nil
        }
    }
}
