import Foundation

/// How mapping code reads JSON values: text, decimals (never `Double` arithmetic), truthiness.
enum MappingValues {
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// A number or a numeric string as a `Decimal`; a JSON number goes through its shortest
    /// decimal spelling, so 49.99 stays 49.99.
    static func decimal(_ value: JSONValue) -> Decimal? {
        switch value {
        case .number(let number):
            guard number.isFinite, Swift.abs(number) < 1e30 else { return nil }
            return Decimal(string: "\(number)", locale: posix)
        case .string(let text):
            return parseDecimal(text.trimmingInlineWhitespace)
        default:
            return nil
        }
    }

    /// A plain decimal: optional sign, digits, one optional point; no exponent, at most 30 digits.
    static func parseDecimal(_ text: String) -> Decimal? {
        var digits = 0, points = 0
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: "+"): if offset != 0 { return nil }
            case UInt8(ascii: "."): points += 1
            case 48...57: digits += 1
            default: return nil
            }
        }
        guard digits > 0, digits <= 30, points <= 1 else { return nil }
        return Decimal(string: text, locale: posix)
    }

    /// Scalars as text; nil for null, arrays and objects.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let number):
            if number.rounded() == number, Swift.abs(number) < 1e15 { return String(Int64(number)) }
            return "\(number)"
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// A decimal written out without exponent ("12.3", "-0.05").
    static func string(_ decimal: Decimal) -> String {
        var value = decimal
        return NSDecimalString(&value, posix)
    }

    static func rounded(_ value: Decimal, scale: Int, _ rounding: MappingTransform.Rounding) -> Decimal {
        var input = value, output = Decimal()
        NSDecimalRound(&output, &input, scale, rounding.mode)
        return output
    }

    /// The value with exactly `scale` digits after the point ("12.30", "1000").
    static func fixed(_ value: Decimal, scale: Int) -> String {
        let text = string(rounded(value, scale: scale, .halfEven))
        guard scale > 0 else { return text }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return "\(parts[0]).\(fraction)\(String(repeating: "0", count: max(0, scale - fraction.count)))"
    }

    /// Rough serialized size, for the output limit.
    static func size(_ value: JSONValue) -> Int {
        switch value {
        case .null, .bool, .number: return 8
        case .string(let text): return text.utf8.count + 2
        case .array(let items): return items.reduce(2) { $0 + size($1) + 1 }
        case .object(let fields): return fields.reduce(2) { $0 + $1.key.utf8.count + 4 + size($1.value) }
        }
    }

    /// Missing means absent, null or an empty string: what a default replaces.
    static func isMissing(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return true
        case .string(let text)?: return text.isEmpty
        default: return false
        }
    }
}
