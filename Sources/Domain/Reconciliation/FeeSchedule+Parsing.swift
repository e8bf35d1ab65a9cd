import Foundation

/// A fee schedule from its JSON: `{"rules": [{"card_brand": "visa" | null, "transaction_type":
/// "SALE" | "REFUND" | null, "percent": "2.9", "fixed": "0.30", "effective_from": "2026-01-01",
/// "effective_to": null}]}`. Amounts are decimal strings (or JSON numbers read through their
/// text, never a Double); every problem is named by the rule's index and field.
extension FeeSchedule {
    public static let maxRules = 200

    public static func parse(_ value: JSONValue) -> (FeeSchedule?, [FieldError]) {
        guard let object = value.object, let list = object["rules"]?.array else {
            return (nil, [FieldError(field: "rules", message: "must be a list of fee rules")])
        }
        if let unknown = object.keys.first(where: { $0 != "rules" }) { return (nil, [FieldError(field: unknown, message: "is not a fee schedule field")]) }
        guard list.count <= maxRules else { return (nil, [FieldError(field: "rules", message: "must hold at most \(maxRules) rules")]) }
        var rules: [Rule] = [], errors: [FieldError] = []
        let fields: Set<String> = ["card_brand", "transaction_type", "percent", "fixed", "effective_from", "effective_to"]
        for (index, item) in list.enumerated() {
            let prefix = "rules[\(index)]."
            guard let rule = item.object else {
                errors.append(FieldError(field: "rules[\(index)]", message: "must be an object"))
                continue
            }
            for key in rule.keys where !fields.contains(key) { errors.append(FieldError(field: prefix + key, message: "is not a fee rule field")) }
            var brand: CardBrand?
            if let text = rule["card_brand"]?.string {
                brand = CardBrand(rawValue: text)
                if brand == nil {
                    errors.append(FieldError(field: prefix + "card_brand", message: "must be one of visa, mastercard, amex, discover, other, or null"))
                }
            } else if let given = rule["card_brand"], given != .null {
                errors.append(FieldError(field: prefix + "card_brand", message: "must be a brand or null"))
            }
            var type: String?
            if let text = rule["transaction_type"]?.string {
                type = text
                if !transactionTypes.contains(text) { errors.append(FieldError(field: prefix + "transaction_type", message: "must be SALE, REFUND or null")) }
            } else if let given = rule["transaction_type"], given != .null {
                errors.append(FieldError(field: prefix + "transaction_type", message: "must be SALE, REFUND or null"))
            }
            let percent = amount(rule["percent"], field: prefix + "percent", places: 4, max: 100, &errors)
            let fixed = amount(rule["fixed"], field: prefix + "fixed", places: 2, max: 1000, &errors)
            let from = day(rule["effective_from"], field: prefix + "effective_from", required: true, &errors)
            let to = day(rule["effective_to"], field: prefix + "effective_to", required: false, &errors)
            if let from, let to, to < from { errors.append(FieldError(field: prefix + "effective_to", message: "must not be before effective_from")) }
            if let percent, let fixed, let from, errors.isEmpty {
                rules.append(Rule(cardBrand: brand, transactionType: type, percent: percent, fixed: fixed, effectiveFrom: from, effectiveTo: to))
            }
        }
        // Two rules for the same brand and type in force on the same day would make the fee ambiguous.
        for (i, a) in rules.enumerated() {
            for b in rules[(i + 1)...] where a.cardBrand == b.cardBrand && a.transactionType == b.transactionType && a.effectiveFrom == b.effectiveFrom {
                errors.append(FieldError(field: "rules", message: "two rules for the same brand and type start on \(a.effectiveFrom)"))
            }
        }
        return errors.isEmpty ? (FeeSchedule(rules: rules), []) : (nil, errors)
    }

    /// A non-negative decimal with at most `places` places and at most `max`.
    static func amount(_ value: JSONValue?, field: String, places: Int, max: Decimal, _ errors: inout [FieldError]) -> Decimal? {
        guard let text = value?.string, let money = Money(string: text, currency: "USD"), money.amount >= 0, money.amount <= max,
            (text.split(separator: ".").dropFirst().first?.count ?? 0) <= places
        else {
            errors.append(
                FieldError(field: field, message: "must be a decimal from 0 to \(max) with at most \(places) decimal places, as a string such as \"2.9\""))
            return nil
        }
        return money.amount
    }

    static func day(_ value: JSONValue?, field: String, required: Bool, _ errors: inout [FieldError]) -> String? {
        guard let value, value != .null else {
            if required { errors.append(FieldError(field: field, message: "is required (yyyy-MM-dd)")) }
            return nil
        }
        guard let text = value.string, Timestamp.day(text) != nil else {
            errors.append(FieldError(field: field, message: "must be a day, yyyy-MM-dd"))
            return nil
        }
        return text
    }

    /// The schedule as its JSON.
    public var json: JSONValue {
        .object([
            "rules": .array(
                rules.map { rule in
                    .object([
                        "card_brand": rule.cardBrand.map { .string($0.rawValue) } ?? .null,
                        "transaction_type": rule.transactionType.map { .string($0) } ?? .null,
                        "percent": .string(NSDecimalNumber(decimal: rule.percent).stringValue),
                        "fixed": .string(Money(amount: rule.fixed, currency: "USD")!.formatted),
                        "effective_from": .string(rule.effectiveFrom), "effective_to": rule.effectiveTo.map { .string($0) } ?? .null,
                    ])
                })
        ])
    }
}
