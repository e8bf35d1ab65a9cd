public import Foundation

/// Foundation values (`[String: Any]` as vendors' clients and the sandbox's emulators hold them)
/// as JSON text, written as corelibs Foundation's `JSONSerialization` writes them (its escapes,
/// `\/` included, and its spelling of every number type) but into one byte buffer:
/// `JSONSerialization` hands each character of every string to a closure as a `String` of its
/// own. That was 28 % of the sandbox's CPU under a burst of flows (much of it inside an
/// emulator's lock) and 3 % of the workers' (Zoho request bodies). Key order is the
/// dictionary's, as `JSONSerialization`'s is.
public enum FoundationJSON {
    /// The text of `object`; nil when it holds a value this writer does not know (an optional
    /// inside `Any`, a custom class) or a number JSON cannot spell, for `JSONSerialization` to
    /// judge as before.
    public static func data(_ object: [String: Any]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        return append(object, to: &out) ? out : nil
    }

    private static func append(_ value: Any, to out: inout [UInt8]) -> Bool {
        // The common kinds told by their exact type first: a failed `as?` through the runtime
        // costs about as much as writing a short value.
        let kind = type(of: value)
        if kind == String.self, let text = value as? String {
            appendString(text, to: &out)
            return true
        }
        if kind == [String: Any].self, let object = value as? [String: Any] { return appendObject(object, to: &out) }
        if kind == [Any].self, let array = value as? [Any] { return appendArray(array, to: &out) }
        // An NSNumber (a parsed JSON number, an amount) is told by its class before any cast:
        // `as? Bool` would take an NSNumber 1 as true. JSONSerialization writes an NSDecimalNumber
        // by its description, a boolean (objCType "c") as true or false, a floating one as its Double
        // or Float.
        if kind is NSNumber.Type, let number = value as? NSNumber {
            if let decimal = number as? NSDecimalNumber {
                out.append(contentsOf: decimal.description.utf8)
                return true
            }
            switch UInt8(bitPattern: number.objCType.pointee) {
            case UInt8(ascii: "c"): out.append(contentsOf: (number.boolValue ? "true" : "false").utf8)
            case UInt8(ascii: "d"): return appendFloat(number.doubleValue, to: &out)
            case UInt8(ascii: "f"): return appendFloat(number.floatValue, to: &out)
            default: out.append(contentsOf: number.stringValue.utf8)
            }
            return true
        }
        switch value {
        case let text as String:
            appendString(text, to: &out)
        case let flag as Bool:
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case let integer as Int:
            out.append(contentsOf: integer.description.utf8)
        case let double as Double:
            guard appendFloat(double, to: &out) else { return false }
        case let decimal as Decimal:
            out.append(contentsOf: decimal.description.utf8)
        case is NSNull:
            out.append(contentsOf: "null".utf8)
        case let object as [String: Any]:
            return appendObject(object, to: &out)
        case let array as [Any]:
            return appendArray(array, to: &out)
        default:
            return false
        }
        return true
    }

    private static func appendObject(_ object: [String: Any], to out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (key, member) in object {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            guard append(member, to: &out) else { return false }
        }
        out.append(UInt8(ascii: "}"))
        return true
    }

    private static func appendArray(_ array: [Any], to out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "["))
        for (index, element) in array.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            guard append(element, to: &out) else { return false }
        }
        out.append(UInt8(ascii: "]"))
        return true
    }

    /// `description` without a trailing `.0`, as JSONSerialization and JSONEncoder both write a
    /// floating number; false for one that is not finite (JSON has no spelling for it).
    static func appendFloat<Number: FloatingPoint & LosslessStringConvertible>(_ value: Number, to out: inout [UInt8]) -> Bool {
        guard value.isFinite else { return false }
        let text = value.description
        out.append(contentsOf: text.hasSuffix(".0") ? text.utf8.dropLast(2) : text.utf8[...])
        return true
    }

    /// Quotes, backslashes and slashes escaped, the named control escapes, other control
    /// characters as `\u00xx`; everything else as it is.
    private static func appendString(_ text: String, to out: inout [UInt8]) {
        JSONText.appendQuoted(text, to: &out, escapingSlashes: true)
    }
}
