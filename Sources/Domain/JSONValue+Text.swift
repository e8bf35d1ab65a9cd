import Foundation

/// JSON text in and out, for documents stored as text (flow definitions, event payloads, run records).
extension JSONValue {
    /// The document `text` holds; nil when it is not JSON.
    public init?(parsing text: String) {
        guard let value = JSONValueParser.parse(text) else { return nil }
        self = value
    }

    /// Sorted keys, no spaces: one document has one spelling, so its checksum is stable.
    /// Written here byte for byte as JSONEncoder with `.sortedKeys` and
    /// `.withoutEscapingSlashes` writes it (keys in UTF-8 byte order, numbers as `description`
    /// without a trailing `.0`, empty for a number that is not finite), which JSONValueParserTests
    /// holds it to: the encoder's generic machinery was 5 % of the worker's CPU in a burst of
    /// flows, where every step writes a record and a payload this way.
    public var canonicalJSON: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        return appendCanonical(to: &out) ? out : []
    }

    /// False when a number is not finite (JSON has no spelling for it).
    private func appendCanonical(to out: inout [UInt8]) -> Bool {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value): return FoundationJSON.appendFloat(value, to: &out)
        case .string(let value): JSONText.appendQuoted(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                guard value.appendCanonical(to: &out) else { return false }
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (index, field) in fields.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendQuoted(field.key, to: &out)
                out.append(UInt8(ascii: ":"))
                guard field.value.appendCanonical(to: &out) else { return false }
            }
            out.append(UInt8(ascii: "}"))
        }
        return true
    }

    public var canonicalText: String { String(decoding: canonicalJSON, as: UTF8.self) }

    /// A string or a number as text, nil for anything else and for the empty string: what can
    /// serve as a key.
    public var keyText: String? {
        switch self {
        case .string(let text): text.isEmpty ? nil : text
        case .number: MappingValues.text(self)
        default: nil
        }
    }
}
