public import Foundation

/// An amount in a currency, as `Decimal` (never `Double`), written on the wire as a decimal string.
public struct Money: Sendable, Equatable, Hashable {
    public let amount: Decimal
    public let currency: String

    /// Minor units per ISO 4217 for the currencies whose exponent is not 2.
    private static let exponents: [String: Int] = [
        "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "XAF": 0, "XOF": 0, "UGX": 0,
        "BHD": 3, "JOD": 3, "KWD": 3, "OMR": 3, "TND": 3, "IQD": 3, "LYD": 3,
    ]

    public static func minorUnits(of currency: String) -> Int { exponents[currency] ?? 2 }

    public static func isValidCurrency(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { (65...90).contains($0) }
    }

    public init?(amount: Decimal, currency: String) {
        guard Self.isValidCurrency(currency), amount.isFinite else { return nil }
        self.amount = amount
        self.currency = currency
    }

    /// Parses a plain decimal string ("12.30", "-5", "0.125"); no exponents, no thousands separators.
    public init?(string: String, currency: String) {
        let c = Array(string.utf8)
        var i = c.first == UInt8(ascii: "-") ? 1 : 0
        var digits = 0, dots = 0
        while i < c.count {
            if c[i] == UInt8(ascii: ".") { dots += 1 } else if (48...57).contains(c[i]) { digits += 1 } else { return nil }
            i += 1
        }
        guard digits > 0, dots <= 1, c.last != UInt8(ascii: "."), let value = Decimal(string: string, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        self.init(amount: value, currency: currency)
    }

    /// An amount a vendor sent as a JSON string or number (as `JSONSerialization` gives it), read
    /// through its decimal text, never through a Double.
    public static func decimal(fromJSON value: Any?) -> Decimal? {
        switch value {
        case let text as String: Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        case let number as NSNumber: Decimal(string: number.stringValue, locale: Locale(identifier: "en_US_POSIX"))
        default: nil
        }
    }

    /// The amount rounded half-even (banker's rounding) to the currency's minor unit.
    public func rounded() -> Money {
        var input = amount
        var output = Decimal()
        NSDecimalRound(&output, &input, Self.minorUnits(of: currency), .bankers)
        return Money(uncheckedAmount: output, currency: currency)
    }

    /// The amount as a decimal string with exactly the currency's minor digits ("12.30", "1000").
    public var formatted: String {
        let scale = Self.minorUnits(of: currency)
        let value = rounded().amount
        let negative = value < 0
        let magnitude = negative ? -value : value
        var multiplier = Decimal(1)
        for _ in 0..<scale { multiplier *= 10 }
        let minor = NSDecimalNumber(decimal: magnitude * multiplier).stringValue
        let padded = String(repeating: "0", count: max(0, scale + 1 - minor.count)) + minor
        let text = scale == 0 ? padded : "\(padded.dropLast(scale)).\(padded.suffix(scale))"
        return negative ? "-\(text)" : text
    }

    private init(uncheckedAmount: Decimal, currency: String) {
        self.amount = uncheckedAmount
        self.currency = currency
    }
}
