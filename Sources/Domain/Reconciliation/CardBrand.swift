/// A card's network, read from its first digits (the BIN), which PayTrace shows in exports with
/// `include_bin`. Fees differ by brand, and Amex is often deposited on its own.
public enum CardBrand: String, Sendable, Codable, CaseIterable, Hashable {
    case visa, mastercard, amex, discover, other

    /// From a masked number such as `401200******5439` (or the digits of a BIN); `other` when the
    /// first digits are hidden or unknown.
    public init(maskedNumber: String) {
        let digits = String(maskedNumber.prefix { $0.isNumber })
        if digits.hasPrefix("4") {
            self = .visa
        } else if let two = Int(digits.prefix(2)), digits.count >= 2, (51...55).contains(two) {
            self = .mastercard
        } else if let four = Int(digits.prefix(4)), digits.count >= 4, (2221...2720).contains(four) {
            self = .mastercard
        } else if digits.hasPrefix("34") || digits.hasPrefix("37") {
            self = .amex
        } else if digits.hasPrefix("6011") || digits.hasPrefix("65") || (digits.count >= 3 && (644...649).contains(Int(digits.prefix(3)) ?? 0)) {
            self = .discover
        } else {
            self = .other
        }
    }
}
