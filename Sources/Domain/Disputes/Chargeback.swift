public import Foundation

/// A chargeback as the merchant learns of it (from the processor's portal, a letter, a bank
/// file): PayTrace has no chargeback API, so it is entered through the API, the pages or a CSV
/// import, and read the same way from each: text fields, checked here, every problem named.
public struct Chargeback: Sendable, Equatable {
    public let caseNumber: String
    public let transactionId: String?
    public let customerId: String
    public let amount: Decimal
    public let fee: Decimal
    public let currency: String
    public let reason: String
    public let receivedAt: Date

    public static let fields = ["case_number", "transaction_id", "customer_id", "amount", "fee", "currency", "reason", "received_at"]
    public static let required: Set<String> = ["case_number", "customer_id", "amount", "reason", "received_at"]

    /// From text values by field name (a missing or empty optional field is absent); the errors
    /// name each field that is wrong, with `prefix` (a CSV line, say) before its name.
    static let earliest = Timestamp.parse("2000-01-01T00:00:00Z")!

    public static func parse(_ values: [String: String], prefix: String = "", now: Date = Date()) -> (Chargeback?, [FieldError]) {
        var errors: [FieldError] = []
        func text(_ field: String, max: Int, pattern: ((Character) -> Bool)? = nil, what: String = "") -> String? {
            let value = values[field]?.trimmingCharacters(in: .whitespaces) ?? ""
            if value.isEmpty {
                if required.contains(field) { errors.append(FieldError(field: prefix + field, message: "is required")) }
                return nil
            }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                errors.append(FieldError(field: prefix + field, message: "must not hold control characters"))
                return nil
            }
            if value.count > max {
                errors.append(FieldError(field: prefix + field, message: "must be at most \(max) characters"))
                return nil
            }
            if let pattern, !value.allSatisfy(pattern) {
                errors.append(FieldError(field: prefix + field, message: what))
                return nil
            }
            return value
        }
        let caseNumber = text(
            "case_number", max: 40, pattern: { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./".contains($0)) },
            what: "must be letters, digits and - _ . / only")
        if let typed = caseNumber, CardNumberMasking.maskText(typed) != typed {
            errors.append(FieldError(field: prefix + "case_number", message: "is a card number, not the processor's case number"))
        }
        var transactionId = text("transaction_id", max: 20, pattern: { $0.isASCII && $0.isNumber }, what: "must be PayTrace's numeric transaction id")
        // A card number typed where the transaction id goes is refused, never kept.
        if let typed = transactionId, CardNumberMasking.maskText(typed) != typed {
            errors.append(FieldError(field: prefix + "transaction_id", message: "is a card number, not PayTrace's transaction id"))
            transactionId = nil
        }
        // Free text a person typed may hold a card number: masked before anything keeps it.
        let customerId = text("customer_id", max: 100).map(CardNumberMasking.maskText)
        let reason = text("reason", max: 200).map(CardNumberMasking.maskText)
        let currency = text("currency", max: 3, pattern: { $0.isASCII && $0.isUppercase }, what: "must be an ISO 4217 code such as USD") ?? "USD"
        func money(_ field: String, positive: Bool) -> Decimal? {
            guard let value = text(field, max: 20) else { return nil }
            guard let money = Money(string: value, currency: currency), money.amount >= 0, !(positive && money.amount == 0) else {
                errors.append(
                    FieldError(
                        field: prefix + field,
                        message: positive ? "must be a decimal amount above zero, such as 108.25" : "must be a decimal amount, zero or more"))
                return nil
            }
            guard money.rounded() == money else {
                errors.append(FieldError(field: prefix + field, message: "has more decimals than \(currency) allows"))
                return nil
            }
            return money.amount
        }
        let amount = money("amount", positive: true)
        let fee = money("fee", positive: false) ?? 0
        var receivedAt: Date?
        if let value = text("received_at", max: 40) {
            receivedAt = Timestamp.parse(value) ?? Timestamp.parse(value + "T00:00:00Z")
            if receivedAt == nil {
                errors.append(FieldError(field: prefix + "received_at", message: "must be a date (2026-11-20) or an RFC 3339 time"))
            } else if let date = receivedAt, date < Self.earliest || date > now.addingTimeInterval(86_400) {
                errors.append(FieldError(field: prefix + "received_at", message: "must be between 2000-01-01 and tomorrow"))
                receivedAt = nil
            }
        }
        guard errors.isEmpty, let caseNumber, let customerId, let amount, let reason, let receivedAt else { return (nil, errors) }
        return (
            Chargeback(
                caseNumber: caseNumber, transactionId: transactionId, customerId: customerId, amount: amount, fee: fee,
                currency: currency, reason: reason, receivedAt: receivedAt), []
        )
    }

    public init(
        caseNumber: String, transactionId: String?, customerId: String, amount: Decimal, fee: Decimal, currency: String, reason: String, receivedAt: Date
    ) {
        self.caseNumber = caseNumber
        self.transactionId = transactionId
        self.customerId = customerId
        self.amount = amount
        self.fee = fee
        self.currency = currency
        self.reason = reason
        self.receivedAt = receivedAt
    }

    /// The event a flow sees: `{"chargeback": {...}}`, amounts as decimal strings.
    public var event: JSONValue {
        var fields: [String: JSONValue] = [
            "case_number": .string(caseNumber), "customer_id": .string(customerId), "amount": .string(Self.text(amount, currency)),
            "fee": .string(Self.text(fee, currency)),
            "currency": .string(currency), "reason": .string(reason), "received_at": .string(Timestamp.format(receivedAt)),
        ]
        if let transactionId { fields["transaction_id"] = .string(transactionId) }
        return .object(["chargeback": .object(fields)])
    }

    public static func text(_ amount: Decimal, _ currency: String) -> String {
        Money(amount: amount, currency: currency)?.formatted ?? "\(amount)"
    }
}
