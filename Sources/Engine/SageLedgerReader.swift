import Foundation
import Connectors
import Domain

/// Sage Pro as a ledger for reconciliation, read through the agent: the period's cash receipts
/// (ARCASH), each naming its PayTrace transaction by Clearline's cross-reference or its `PT-<id>`
/// reference, and the refunds, which Pro keeps as journals out of the clearing account
/// (`PT-<id>-refund`, as the adjustments flow writes them). Each read is a command queued once
/// per reconciliation, so a job that retries finds its answer rather than asking again.
struct SageLedgerReader {
    static let system = "sage_pro"
    let commands: SageAgentCommands
    /// Pro's clearing (undeposited funds) account, where refunds leave the batch.
    let clearing: String

    /// `receiptLinks`: receipt number → PayTrace transaction id, from the exactly-once ledger.
    func entries(from start: String, to end: String, readId: String, receiptLinks: [String: Int]) throws -> [LedgerEntry] {
        let period: [String: JSONValue] = ["from": .string(start), "to": .string(end)]
        let receipts = try commands.readAll(.listCashReceipts, "receipts", period, readId: "\(readId):receipts")
        let payments = receipts.compactMap { receipt -> LedgerEntry? in
            guard let number = receipt["receipt_no"]?.string, let amount = Money.decimal(fromJSON: receipt["amount"]?.string) else { return nil }
            return LedgerEntry(
                system: Self.system, id: number, kind: .payment,
                transactionId: receiptLinks[number] ?? LedgerEntry.transactionId(inReference: receipt["reference"]?.string), amount: amount,
                customer: receipt["custno"]?.string, date: receipt["paydate"]?.string ?? "")
        }
        var ledger = period
        ledger["account"] = .string(clearing)
        let lines = try commands.readAll(.listLedger, "lines", ledger, readId: "\(readId):clearing")
        /// The clearing credits journaled for transactions, by suffix (`PT-<id>-refund`, `PT-<id>-void`).
        func credits(_ suffix: String) -> [(transaction: Int, entry: String, amount: Decimal, date: String)] {
            lines.compactMap { line in
                guard let reference = line["reference"]?.string, reference.hasSuffix(suffix),
                    let transaction = LedgerEntry.transactionId(inReference: String(reference.dropLast(suffix.count))),
                    let credit = Money.decimal(fromJSON: line["credit"]?.string), credit > 0, let entry = line["entry_no"]?.string
                else { return nil }
                return (transaction, entry, credit, line["trandate"]?.string ?? "")
            }
        }
        let refunds = credits("-refund").map {
            LedgerEntry(system: Self.system, id: $0.entry, kind: .refund, transactionId: $0.transaction, amount: $0.amount, customer: nil, date: $0.date)
        }
        // A sale voided after Pro took it keeps its receipt, reversed out of clearing by the void
        // journal: the two cancel, and neither is the batch's to explain.
        let voided = Set(credits("-void").map(\.transaction))
        return payments.filter { $0.transactionId.map(voided.contains) != true } + refunds
    }
}
