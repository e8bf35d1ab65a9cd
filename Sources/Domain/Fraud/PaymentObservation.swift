public import Foundation

/// One PayTrace transaction as fraud and anomaly detection sees it: who, how much, whether it
/// went through, when. Read from the `transaction` of a PayTrace event (webhook or polling).
public struct PaymentObservation: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case sale, authorization, refund, other
    }

    public let transactionId: Int
    public let kind: Kind
    public let amount: Decimal
    public let declined: Bool
    /// The PayTrace customer id, if the transaction carries one.
    public let customerId: String?
    /// The masked card (last four and what PayTrace shows): attempts on one card group by it.
    public let card: String?
    /// The card's first six digits, when PayTrace gave them (polling asks with `include_bin`).
    public let bin: String?
    /// When PayTrace made it (in the merchant's zone), else when Clearline saw it.
    public let at: Date

    public init(
        transactionId: Int, kind: Kind, amount: Decimal, declined: Bool, customerId: String?, card: String?, bin: String? = nil, at: Date
    ) {
        self.transactionId = transactionId
        self.kind = kind
        self.amount = amount
        self.declined = declined
        self.customerId = customerId
        self.card = card
        self.bin = bin
        self.at = at
    }

    /// The observation of an event's `transaction`, or nil when it holds none (a batch, say).
    /// `zone` is the merchant's, in which PayTrace writes its times.
    public init?(event payload: JSONValue, receivedAt: Date, zone: TimeZone) {
        guard let transaction = payload.object?["transaction"]?.object else { return nil }
        let id: Int? =
            switch transaction["transaction_id"] {
            case .number(let value)?: Int(exactly: value)
            case .string(let text)?: Int(text)
            default: nil
            }
        let amountText: String? =
            switch transaction["amount"] {
            case .string(let text)?: text
            case .number(let value)?: "\(value)"
            default: nil
            }
        guard let id, let amountText, let amount = Decimal(string: amountText, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        let type = (transaction["transaction_type"]?.string ?? "").uppercased()
        let kind: Kind =
            switch type {
            case "SALE": .sale
            case "AUTHORIZATION", "AUTH": .authorization
            case "REFUND": .refund
            default: .other
            }
        let status = (transaction["status"]?.string ?? "").uppercased()
        let customer = transaction["customer_id"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        let card = transaction["masked_card_number"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        let bin = transaction["card_bin"]?.string.flatMap { $0.count == 6 && $0.allSatisfy(\.isNumber) ? $0 : nil }
        let made = transaction["created_at"]?.string.flatMap { DateConversion.parse($0, .paytrace, zone: zone) }
        self.init(
            transactionId: id, kind: kind, amount: amount, declined: status.contains("DECLINE"), customerId: customer, card: card,
            bin: bin, at: made ?? receivedAt)
    }
}
