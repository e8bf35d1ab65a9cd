import Foundation

/// JSON text in and out, for documents stored as text (flow definitions, event payloads, run records).
extension JSONValue {
    /// The document `text` holds; nil when it is not JSON.
    public init?(parsing text: String) {
        guard let value = JSONValueParser.parse(text) else { return nil }
        self = value
    }

    /// Sorted keys, no spaces: one document has one spelling, so its checksum is stable.
    public var canonicalJSON: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
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
