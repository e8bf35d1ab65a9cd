import Foundation
import Domain

/// Every response body's JSON, in the style `JSONEncoder` was configured for (snake_case keys,
/// sorted keys, RFC 3339 timestamps, slashes unescaped), written by an encoder of our own.
/// Foundation's was 38 % of the server's CPU on an authenticated list of ten API keys: it boxes
/// every value twice and converts every key to snake_case anew on every row. This one builds a
/// light tree (the `Encodable` contract lets a caller fill a nested container later, so it
/// cannot stream), takes each key's snake_case once per process, and writes bytes.
/// It follows `JSONEncoder` where our bodies can tell: keys of a `[String: V]` dictionary are
/// kept as they are, `Decimal` and integers are written as their text, a whole `Double` loses
/// its `.0`, `URL` is its absolute string, `Data` base64, and NaN or infinity is an error.
enum ResponseEncoder {
    struct Unencodable: Error, CustomStringConvertible {
        let description: String
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        guard let writable = value as? any JSONWritable else { return try encodeThroughEncodable(value) }
        var out: [UInt8] = []
        out.reserveCapacity(512)
        writable.writeJSON(to: &out)
        return out
    }

    /// Through `Encodable` always: every body that does not write itself, and the bytes a
    /// `JSONWritable`'s own are compared with.
    static func encodeThroughEncodable<T: Encodable>(_ value: T) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        try node(value).write(to: &out)
        return out
    }

    /// The tree of one value: its own encoding, except for the types `JSONEncoder` writes itself.
    /// The type is told by its metadata (a pointer comparison), not by casting: a list of ten
    /// API keys is a hundred values. No coding path is kept either (none of our types reads it,
    /// and it cost an array per value).
    static func node<T: Encodable>(_ value: T) throws -> JSONNode {
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return .number(String(unsafeBitCast(value, to: Int.self))) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Date.self { return .string(Timestamp.format(unsafeBitCast(value, to: Date.self))) }
        if T.self == Decimal.self { return .number(unsafeBitCast(value, to: Decimal.self).description) }
        if T.self == Double.self { return try number(unsafeBitCast(value, to: Double.self)) }
        if T.self == Float.self { return try number(unsafeBitCast(value, to: Float.self)) }
        if T.self == URL.self { return .string(unsafeBitCast(value, to: URL.self).absoluteString) }
        if T.self == Data.self { return .string(unsafeBitCast(value, to: Data.self).base64EncodedString()) }
        let encoder = NodeEncoder(convertsKeys: !(value is any StringKeyedDictionary))
        try value.encode(to: encoder)
        // A value that wrote nothing is an empty object, as JSONEncoder has it.
        return encoder.result ?? .object(JSONObjectNode())
    }

    static func number<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F) throws -> JSONNode {
        guard value.isFinite else { throw Unencodable(description: "\(value) is not a JSON number") }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(text)
    }
}

/// `[String: V]`: its keys are data, not property names, and keep their spelling.
protocol StringKeyedDictionary {}
extension Dictionary: StringKeyedDictionary where Key == String {}
