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
        let period: JSONValue = .object(["from": .string(start), "to": .string(end)])
        let receipts = try commands.send(.listCashReceipts, externalId: "\(readId):receipts", payload: period)["receipts"]?.array ?? []
        let payments = receipts.compactMap { receipt -> LedgerEntry? in
            guard let number = receipt["receipt_no"]?.string, let amount = Money.decimal(fromJSON: receipt["amount"]?.string) else { return nil }
            return LedgerEntry(
                system: Self.system, id: number, kind: .payment,
                transactionId: receiptLinks[number] ?? LedgerEntry.transactionId(inReference: receipt["reference"]?.string), amount: amount,
                customer: receipt["custno"]?.string, date: receipt["paydate"]?.string ?? "")
        }
        var ledger = period.object ?? [:]
        ledger["account"] = .string(clearing)
        let lines = try commands.send(.listLedger, externalId: "\(readId):clearing", payload: .object(ledger))["lines"]?.array ?? []
        let refunds = lines.compactMap { line -> LedgerEntry? in
            guard let reference = line["reference"]?.string, reference.hasSuffix("-refund"),
                let transaction = LedgerEntry.transactionId(inReference: String(reference.dropLast("-refund".count))),
                let credit = Money.decimal(fromJSON: line["credit"]?.string), credit > 0, let entry = line["entry_no"]?.string
            else { return nil }
            return LedgerEntry(
                system: Self.system, id: entry, kind: .refund, transactionId: transaction, amount: credit, customer: nil,
                date: line["trandate"]?.string ?? "")
        }
        return payments + refunds
    }
}
