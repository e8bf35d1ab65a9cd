import Foundation

/// The fixed library of pure transforms a mapping may apply to a value, in order. Each works on
/// one value and never looks elsewhere, so a mapping's output depends on its input only.
public enum MappingTransform: Sendable, Equatable {
    public enum Rounding: String, Sendable, CaseIterable {
        case halfEven = "half_even", halfUp = "half_up", down, up

        var mode: NSDecimalNumber.RoundingMode {
            switch self {
            case .halfEven: .bankers
            case .halfUp: .plain
            case .down: .down
            case .up: .up
            }
        }
    }

    case trim, upper, lower, digits, abs, negate, toText, toInteger
    case truncate(Int)
    /// First or last name out of a full name.
    case splitName(first: Bool)
    case toDecimal(scale: Int?)
    case round(scale: Int, Rounding)
    case date(DateConversion)
    /// A decimal string with the currency's minor digits.
    case money(currency: String, Rounding)
    case convertCurrency(CurrencyConversion)
    case status(StatusMap)
    case referenceId(ReferenceIds.Kind, keys: [String])
    case address(multiline: Bool)
    /// A value table: the input's text picks the output.
    case map([String: JSONValue], otherwise: JSONValue?)

    /// Why a transform could not apply; the evaluator adds the field and the rule's name.
    struct Failure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    public var name: String {
        switch self {
        case .trim: "trim"
        case .upper: "upper"
        case .lower: "lower"
        case .digits: "digits"
        case .abs: "abs"
        case .negate: "negate"
        case .toText: "to_text"
        case .toInteger: "to_integer"
        case .truncate: "truncate"
        case .splitName: "split_name"
        case .toDecimal: "to_decimal"
        case .round: "round"
        case .date: "date"
        case .money: "money"
        case .convertCurrency: "convert_currency"
        case .status: "status"
        case .referenceId: "reference_id"
        case .address: "address"
        case .map: "map"
        }
    }

    /// Missing values pass through every transform but `map` and `status` (which may give a
    /// default), so a default at the end still applies.
    func apply(_ value: JSONValue) throws(Failure) -> JSONValue {
        if MappingValues.isMissing(value) {
            switch self {
            case .map(_, let otherwise): return otherwise ?? .null
            case .status(let map): return map.otherwise.map(JSONValue.string) ?? .null
            default: return .null
            }
        }
        switch self {
        case .trim: return .string(try text(value).trimmingCharacters(in: .whitespacesAndNewlines))
        case .upper: return .string(try text(value).uppercased())
        case .lower: return .string(try text(value).lowercased())
        case .digits: return .string(String(try text(value).unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init)))
        case .truncate(let length): return .string(String(try text(value).prefix(length)))
        case .splitName(let first): return .string(Self.split(try text(value), first: first))
        case .toText: return .string(try text(value))
        case .toInteger:
            let number = MappingValues.rounded(try decimal(value), scale: 0, .down)
            guard Swift.abs(number) < 1e15 else { throw Failure("\(MappingValues.string(number)) is too large for an integer") }
            return .number(Double(truncating: NSDecimalNumber(decimal: number)))
        case .abs: return .string(MappingValues.string(Swift.abs(try decimal(value))))
        case .negate: return .string(MappingValues.string(-(try decimal(value))))
        case .toDecimal(let scale):
            let number = try decimal(value)
            return .string(scale.map { MappingValues.fixed(MappingValues.rounded(number, scale: $0, .halfEven), scale: $0) } ?? MappingValues.string(number))
        case .round(let scale, let rounding):
            return .string(MappingValues.fixed(MappingValues.rounded(try decimal(value), scale: scale, rounding), scale: scale))
        case .money(let currency, let rounding):
            let scale = Money.minorUnits(of: currency)
            return .string(MappingValues.fixed(MappingValues.rounded(try decimal(value), scale: scale, rounding), scale: scale))
        case .date(let conversion): return .string(try conversion.apply(try text(value)))
        case .convertCurrency(let conversion): return try conversion.apply(value)
        case .status(let map): return try map.apply(try text(value))
        case .referenceId(let kind, let keys): return ReferenceIds.extract(value, kind: kind, keys: keys).map(JSONValue.string) ?? .null
        case .address(let multiline): return try AddressFormat.format(value, multiline: multiline)
        case .map(let table, let otherwise):
            if let hit = table[try text(value)] { return hit }
            guard let otherwise else { throw Failure("\"\(try text(value))\" is not in the table and there is no default") }
            return otherwise
        }
    }

    private func text(_ value: JSONValue) throws(Failure) -> String {
        guard let text = MappingValues.text(value) else { throw Failure("needs text or a number, got \(Self.kind(value))") }
        return text
    }

    private func decimal(_ value: JSONValue) throws(Failure) -> Decimal {
        guard let number = MappingValues.decimal(value) else { throw Failure("needs a decimal number, got \(Self.kind(value))") }
        return number
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string(let text): "\"\(text.prefix(40))\""
        case .array: "an array"
        case .object: "an object"
        }
    }

    static func split(_ name: String, first: Bool) -> String {
        let words = name.split(whereSeparator: \.isWhitespace)
        // A single word is a last name: CRMs require one, not a first name.
        guard words.count > 1 else { return first ? "" : (words.first.map(String.init) ?? "") }
        return first ? words.dropLast().joined(separator: " ") : String(words.last!)
    }
}
