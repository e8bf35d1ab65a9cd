/// Finds an order or invoice number in what a merchant typed into PayTrace: `invoice_id` ("Invoice
/// # 0042", "INV-0042"), `customer_reference_id` ("PO 1001"), or the Virtual Terminal's
/// custom fields (`discretionary_data`, keyed by titles the merchant chose).
public enum ReferenceIds {
    public enum Kind: String, Sendable, CaseIterable {
        case invoice, order, any
    }

    static let prefixes: [Kind: [String]] = [
        .invoice: ["invoice number", "invoice no", "invoice", "inv"],
        .order: ["purchase order", "order number", "order no", "order", "ord", "po", "so"],
    ]

    /// Default custom-field titles looked at when the input is an object.
    static let keys: [Kind: [String]] = [
        .invoice: ["invoice", "invoice_id", "invoice number", "invoice #", "invoice_number"],
        .order: ["order", "order_id", "order number", "order #", "order_number", "po", "po number", "purchase order"],
    ]

    public static func extract(_ value: JSONValue, kind: Kind, keys custom: [String]) -> String? {
        if case .object(let fields) = value {
            let wanted = custom.isEmpty ? (kind == .any ? keys[.invoice]! + keys[.order]! : keys[kind]!) : custom
            for key in wanted {
                if let hit = fields.first(where: { $0.key.lowercased() == key.lowercased() }), let text = MappingValues.text(hit.value),
                    let found = extract(text, kind: kind)
                {
                    return found
                }
            }
            return nil
        }
        return MappingValues.text(value).flatMap { extract($0, kind: kind) }
    }

    /// The identifier after a known prefix and its separators, or the text itself when it is one token.
    public static func extract(_ text: String, kind: Kind) -> String? {
        let trimmed = text.trimmingInlineWhitespace
        guard !trimmed.isEmpty, trimmed.count <= 200 else { return nil }
        let lower = trimmed.lowercased()
        let candidates = kind == .any ? prefixes[.invoice]! + prefixes[.order]! : prefixes[kind]!
        for prefix in candidates.sorted(by: { $0.count > $1.count }) {
            guard let range = lower.firstRange(of: prefix) else { continue }
            // A prefix counts only at a word start ("inv" in "Invoice", not in "Convoy").
            if range.lowerBound != lower.startIndex, lower[lower.index(before: range.lowerBound)].isLetter { continue }
            let after = trimmed[trimmed.index(trimmed.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: range.upperBound))...]
            let token = after.drop { " #:.-_/".contains($0) }.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            if !token.isEmpty, token.contains(where: \.isNumber) { return String(token) }
        }
        guard !trimmed.contains(where: \.isWhitespace) else { return nil }
        return trimmed
    }
}
