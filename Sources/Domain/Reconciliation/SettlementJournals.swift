public import Foundation

/// The entries that close a settlement in a ledger, on a clearing account: the sales paid into
/// clearing (Undeposited Funds), so the deposit moves from clearing to the bank and the fees
/// from clearing to their expense account, after which clearing holds nothing for the batch.
/// A statement imported after the estimate was posted gives a true-up: the fee difference moves
/// between the fees account and the bank, which received that much less (or more).
public enum SettlementJournals {
    public enum Kind: String, Sendable, CaseIterable {
        case deposit, fees
        case feeTrueUp = "fee_true_up"
    }

    public struct Accounts: Sendable, Equatable {
        public let clearing: String
        public let bank: String
        public let fees: String

        public init(clearing: String, bank: String, fees: String) {
            self.clearing = clearing
            self.bank = bank
            self.fees = fees
        }

        /// Zoho Books' defaults: account codes Undeposited Funds 1010, the bank 1000, fees 6100.
        public static let zohoBooks = Accounts(clearing: "code:1010", bank: "code:1000", fees: "code:6100")
        /// Sage Pro's: undeposited funds 1050-00, cash 1000-00, merchant processing fees 6100-00.
        public static let sagePro = Accounts(clearing: "1050-00", bank: "1000-00", fees: "6100-00")
    }

    public struct Entry: Sendable, Equatable {
        public let kind: Kind
        /// What the entry moves, signed as figured (a negative deposit: a batch of refunds).
        public let amount: Decimal
        /// The reference a search finds it by before writing it again.
        public let reference: String
        public let date: String
        public let debit: String
        public let credit: String
        /// What moves from `credit` to `debit`, positive; zero when there is nothing to move (the
        /// entry is still recorded as posted, so a later statement is trued up, not posted afresh).
        public let value: Decimal
        public let currency: String
        public let note: String

        var text: String { Money(amount: value, currency: currency)?.formatted ?? "\(value)" }

        /// A `zoho_books.journal` record; nil when there is nothing to move.
        public var zohoRecord: JSONValue? {
            guard value != 0 else { return nil }
            return .object([
                "journal_date": .string(date), "reference_number": .string(reference), "status": .string("published"), "notes": .string(note),
                "line_items": .array([
                    .object(["account_id": .string(debit), "debit_or_credit": .string("debit"), "amount": .string(text)]),
                    .object(["account_id": .string(credit), "debit_or_credit": .string("credit"), "amount": .string(text)]),
                ]),
            ])
        }

        /// A Sage Pro `journal.post` payload; nil when there is nothing to move.
        public var sageRecord: JSONValue? {
            guard value != 0 else { return nil }
            let description = JSONValue.string(String(note.prefix(30)))
            return .object([
                "date": .string(date), "reference": .string(reference),
                "lines": .array([
                    .object(["account": .string(debit), "debit": .string(text), "descrip": description]),
                    .object(["account": .string(credit), "credit": .string(text), "descrip": description]),
                ]),
            ])
        }
    }

    /// What is still to post, given what was posted before (`posted`: amount by kind). The deposit
    /// and fees use the statement's figures when they are in, else the schedule's estimate; a
    /// true-up follows when the estimate was posted and the statement differs.
    public static func entries(_ settlement: Settlement, accounts: Accounts, posted: [Kind: Decimal]) -> [Entry] {
        let totals = settlement.totals
        let fees = settlement.actual?.fees ?? totals.fees
        var entries: [Entry] = []
        func entry(_ kind: Kind, _ amount: Decimal, debit: String, credit: String, _ note: String) {
            // A negative amount (a batch of refunds) runs the other way.
            let (from, to, value) = amount < 0 ? (debit, credit, -amount) : (credit, debit, amount)
            entries.append(
                Entry(
                    kind: kind, amount: amount, reference: "PT-BATCH-\(settlement.batchNumber)-\(kind.rawValue.uppercased())", date: settlement.settledOn,
                    debit: to, credit: from, value: value, currency: settlement.currency,
                    note: "PayTrace batch \(settlement.batchNumber) settled \(settlement.settledOn): \(note)"))
        }
        if posted[.deposit] == nil {
            entry(.deposit, totals.net - fees, debit: accounts.bank, credit: accounts.clearing, "the deposit, from clearing to the bank")
        }
        if posted[.fees] == nil {
            entry(.fees, fees, debit: accounts.fees, credit: accounts.clearing, "the processor's fees, from clearing")
        }
        if let postedFees = posted[.fees], posted[.feeTrueUp] == nil, let actual = settlement.actual, actual.fees != postedFees {
            entry(.feeTrueUp, actual.fees - postedFees, debit: accounts.fees, credit: accounts.bank, "the statement's fees less the estimate posted")
        }
        return entries
    }
}

/// A journal posted for a settlement in one ledger (`targetId` nil: nothing to move).
public struct SettlementPosting: Sendable, Equatable {
    public let system: String
    public let kind: SettlementJournals.Kind
    public let amount: Decimal
    public let targetId: String?
    public let postedAt: Date

    public init(system: String, kind: SettlementJournals.Kind, amount: Decimal, targetId: String?, postedAt: Date) {
        self.system = system
        self.kind = kind
        self.amount = amount
        self.targetId = targetId
        self.postedAt = postedAt
    }
}
