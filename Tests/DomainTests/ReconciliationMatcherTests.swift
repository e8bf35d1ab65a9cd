import Foundation
import Testing
@testable import Domain

/// The matcher finds each kind of drift with its own category, and nothing else.
@Suite("Reconciliation matching")
struct ReconciliationMatcherTests {
    static func line(_ id: Int, _ amount: String, _ type: String = "SALE") -> SettlementLine {
        SettlementLine(
            transactionId: id, type: type, amount: Decimal(string: amount)!, cardBrand: .visa, maskedCardNumber: "", invoiceId: nil, customerId: "c\(id)",
            expectedFee: 0)
    }

    static func entry(_ id: String, _ transaction: Int?, _ amount: String, kind: LedgerEntry.Kind = .payment, customer: String = "cust") -> LedgerEntry {
        LedgerEntry(
            system: "zoho_books", id: id, kind: kind, transactionId: transaction, amount: Decimal(string: amount)!, customer: customer, date: "2026-12-01")
    }

    @Test func eachDriftHasItsCategoryAndNothingElseIsReported() {
        let lines = [Self.line(1, "10.00"), Self.line(2, "20.00"), Self.line(3, "30.00"), Self.line(4, "5.00", "REFUND"), Self.line(5, "7.00", "REFUND")]
        let entries = [
            Self.entry("p1", 1, "10.00"),  // matched
            Self.entry("p2", 2, "21.00"),  // amount changed by hand
            // 3: the payment was deleted
            Self.entry("r4", 4, "5.00", kind: .refund),  // refund posted
            // 5: refund never posted
            Self.entry("p9", 9, "40.00"),  // transaction 9 settled in batch 12: that batch's to explain
            Self.entry("p10", 10, "15.00"),  // transaction 10 settles in a later batch
            Self.entry("manual", nil, "10.00"),  // a manual duplicate for a customer of the batch
            Self.entry("p1b", 1, "10.00"),  // the same sale paid twice
            Self.entry("other", nil, "99.00", customer: "someone else"),  // another customer's: out of scope
        ]
        let findings = ReconciliationMatcher.match(system: "zoho_books", lines: lines, entries: entries, settledElsewhere: [9: 12])
        let byCategory = Dictionary(grouping: findings, by: \.category).mapValues { $0.map { $0.ledgerId ?? "txn:\($0.transactionId!)" }.sorted() }
        #expect(byCategory[.matched] == ["p1", "r4"])
        #expect(byCategory[.amountDiffers] == ["p2"])
        #expect(byCategory[.missing] == ["txn:3"])
        #expect(byCategory[.reversalNotReflected] == ["txn:5"])
        #expect(byCategory[.timing] == ["p10"])
        #expect(byCategory[.unexplained] == ["manual", "p1b"])
        #expect(findings.count == 8, "nothing else: \(findings)")
        let differs = findings.first { $0.category == .amountDiffers }
        #expect(differs?.payTraceAmount == Decimal(string: "20.00") && differs?.ledgerAmount == Decimal(string: "21.00"))
    }

    @Test func aFaithfulLedgerMatchesEveryLine() {
        var random = SeededRandom(seed: 21)
        for _ in 0..<300 {
            let lines = (0..<Int.random(in: 0...60, using: &random)).map { index in
                Self.line(
                    1000 + index, "\(Int.random(in: 1...99_999, using: &random)).\(Int.random(in: 10...99, using: &random))",
                    Bool.random(using: &random) ? "SALE" : "REFUND")
            }
            let entries = lines.map {
                LedgerEntry(
                    system: "sage_pro", id: "e\($0.transactionId)", kind: $0.type == "REFUND" ? .refund : .payment, transactionId: $0.transactionId,
                    amount: $0.amount, customer: $0.customerId, date: "2026-12-01")
            }.shuffled(using: &random)
            let findings = ReconciliationMatcher.match(system: "sage_pro", lines: lines, entries: entries, settledElsewhere: [:])
            #expect(findings.count == lines.count && findings.allSatisfy { $0.category == .matched })
        }
    }

    @Test func aReferenceNamesItsTransaction() {
        #expect(LedgerEntry.transactionId(inReference: "PT-395970044") == 395_970_044)
        #expect(LedgerEntry.transactionId(inReference: "INV-1") == nil && LedgerEntry.transactionId(inReference: nil) == nil)
    }
}
