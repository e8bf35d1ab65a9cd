public import Foundation

/// Each settled PayTrace line against one ledger (Zoho Books or Sage Pro), to the cent: a line
/// is matched, missing, of another amount, or a refund the ledger does not show; a ledger record
/// of the batch's customers that no line explains is listed too, as timing (its transaction
/// settles in a later batch) or unexplained (a possible duplicate or overpayment). Records of
/// other kept batches' transactions are theirs to explain. Pure: the Engine reads the ledgers.
public enum ReconciliationMatcher {
    public enum Category: String, Sendable, Codable, CaseIterable {
        case matched
        case missing
        case amountDiffers = "amount_differs"
        case reversalNotReflected = "reversal_not_reflected"
        case timing = "settled_in_another_batch"
        case unexplained
    }

    public struct Finding: Sendable, Equatable {
        public let system: String
        public let category: Category
        /// The PayTrace transaction, when the finding is about one.
        public let transactionId: Int?
        public let payTraceAmount: Decimal?
        /// The ledger's record, when there is one.
        public let ledgerId: String?
        public let ledgerAmount: Decimal?
        public let note: String

        public init(
            system: String, category: Category, transactionId: Int?, payTraceAmount: Decimal?, ledgerId: String?, ledgerAmount: Decimal?, note: String
        ) {
            self.system = system
            self.category = category
            self.transactionId = transactionId
            self.payTraceAmount = payTraceAmount
            self.ledgerId = ledgerId
            self.ledgerAmount = ledgerAmount
            self.note = note
        }

        public var isDrift: Bool { category != .matched }
    }

    /// `entries`: the ledger's records of the batch's period (and any the cross-reference names);
    /// `settledElsewhere`: PayTrace ids settled in other kept batches, with their batch numbers.
    public static func match(system: String, lines: [SettlementLine], entries: [LedgerEntry], settledElsewhere: [Int: Int]) -> [Finding] {
        /// Amounts in notes as a bookkeeper writes them: 2.90, not 2.9.
        func text(_ amount: Decimal) -> String { Money(amount: amount, currency: "USD")?.formatted ?? "\(amount)" }
        var byTransaction: [Int: [LedgerEntry]] = [:]
        for entry in entries { if let id = entry.transactionId { byTransaction[id, default: []].append(entry) } }
        var used: Set<String> = []
        var findings: [Finding] = []
        for line in lines {
            let wanted: LedgerEntry.Kind = line.type == "REFUND" ? .refund : .payment
            let candidates = (byTransaction[line.transactionId] ?? []).filter { $0.kind == wanted }
            guard let entry = candidates.first(where: { $0.amount == line.amount }) ?? candidates.first else {
                findings.append(
                    Finding(
                        system: system, category: wanted == .refund ? .reversalNotReflected : .missing, transactionId: line.transactionId,
                        payTraceAmount: line.amount, ledgerId: nil, ledgerAmount: nil,
                        note: wanted == .refund
                            ? "PayTrace refunded \(text(line.amount)); \(system) shows no refund for transaction \(line.transactionId)."
                            : "PayTrace settled \(text(line.amount)); \(system) has no payment for transaction \(line.transactionId)."))
                continue
            }
            used.insert(entry.id)
            let same = entry.amount == line.amount
            findings.append(
                Finding(
                    system: system, category: same ? .matched : .amountDiffers, transactionId: line.transactionId, payTraceAmount: line.amount,
                    ledgerId: entry.id, ledgerAmount: entry.amount,
                    note: same ? "" : "PayTrace settled \(text(line.amount)); \(system) shows \(text(entry.amount)), \(text(entry.amount - line.amount)) off."))
        }
        // Records no line explains, for the customers the batch involves: one of another kept
        // batch's transactions is that batch's to explain; one of a transaction no kept batch
        // holds is timing (it settles later); one of this batch's (a second payment) or of no
        // transaction at all is unexplained.
        let batchIds = Set(lines.map(\.transactionId))
        let customers = Set(entries.filter { used.contains($0.id) }.compactMap(\.customer))
        for entry in entries where !used.contains(entry.id) {
            if let id = entry.transactionId, settledElsewhere[id] != nil, !batchIds.contains(id) { continue }
            let ofBatch = entry.transactionId.map(batchIds.contains) == true
            guard ofBatch || entry.customer.map(customers.contains) == true else { continue }
            if let id = entry.transactionId, !ofBatch {
                findings.append(
                    Finding(
                        system: system, category: .timing, transactionId: id, payTraceAmount: nil, ledgerId: entry.id, ledgerAmount: entry.amount,
                        note: "Transaction \(id) is in \(system) but in no settled batch yet: it settles in a later one."))
            } else {
                findings.append(
                    Finding(
                        system: system, category: .unexplained, transactionId: entry.transactionId, payTraceAmount: nil, ledgerId: entry.id,
                        ledgerAmount: entry.amount,
                        note: "\(system) \(entry.kind.rawValue) \(entry.id) of \(text(entry.amount)) on \(entry.date) matches no settled PayTrace transaction: "
                            + "a possible duplicate or overpayment."))
            }
        }
        return findings
    }
}
