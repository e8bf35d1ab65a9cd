public import Foundation

/// A record in one of the merchant's ledgers (Zoho Books, Sage Pro) that may stand for a PayTrace
/// transaction: a customer payment or cash receipt for a sale, a credit note or refund for a
/// refund. `transactionId` is the PayTrace id the record names (its `PT-<id>` reference, or the
/// cross-reference Clearline kept when it wrote it).
public struct LedgerEntry: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case payment, refund
    }

    public let system: String
    public let id: String
    public let kind: Kind
    public let transactionId: Int?
    public let amount: Decimal
    public let customer: String?
    public let date: String

    public init(system: String, id: String, kind: Kind, transactionId: Int?, amount: Decimal, customer: String?, date: String) {
        self.system = system
        self.id = id
        self.kind = kind
        self.transactionId = transactionId
        self.amount = amount
        self.customer = customer
        self.date = date
    }

    /// The PayTrace id in a reference written `PT-<id>` (how Clearline's flows write it).
    public static func transactionId(inReference reference: String?) -> Int? {
        guard let reference, reference.hasPrefix("PT-") else { return nil }
        return Int(reference.dropFirst(3))
    }
}
