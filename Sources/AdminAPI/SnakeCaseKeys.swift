import Foundation
import Domain

/// A property name as the API spells it: `nextCursor` → `next_cursor`, exactly as `JSONEncoder`'s
/// `.convertToSnakeCase` spells it. An ASCII name is converted here, by the same rule, with no
/// lock: a list of ten API keys asks for fifty such names, and a shared cache's lock was taken by
/// every executor thread at once. Other names are converted by `JSONEncoder` itself, once.
enum SnakeCaseKeys {
    private static let converted = BlockingLock<[String: String]>([:])
    /// Names kept; property names are a few hundred, and a caller's own keys must not grow it forever.
    private static let limit = 4096

    static func name(_ key: String) -> String {
        var key = key
        // One look at the bytes decides: no capital (most names), ASCII with capitals, or neither.
        let (capitals, ascii) = key.withUTF8 { bytes in (bytes.contains(where: isUpper), bytes.allSatisfy { $0 < 0x80 }) }
        if !capitals && ascii { return key }
        if ascii { return asciiName(key) }
        if let known = converted.withLock({ $0[key] }) { return known }
        let name = foundationName(key)
        converted.withLock { if $0.count < limit { $0[key] = name } }
        return name
    }

    /// Foundation's rule over ASCII: a word ends before each capital; a run of capitals is a word
    /// of its own, but for its last capital, which starts the word of the lower-case letters
    /// after it; a capital with no lower-case letter after it starts the last word. Words are
    /// lower-cased and joined by `_`. Written straight into the new string: no word is empty.
    static func asciiName(_ key: String) -> String {
        var key = key
        return key.withUTF8 { bytes in
            guard !bytes.isEmpty else { return "" }
            return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
                var written = 0
                func word(_ range: Range<Int>) {
                    if written > 0 {
                        out[written] = UInt8(ascii: "_")
                        written += 1
                    }
                    for index in range {
                        out[written] = isUpper(bytes[index]) ? bytes[index] | 0x20 : bytes[index]
                        written += 1
                    }
                }
                var wordStart = 0
                var searchStart = 1
                let end = bytes.count
                while let upper = (searchStart..<end).first(where: { isUpper(bytes[$0]) }) {
                    word(wordStart..<upper)
                    guard let lower = (upper..<end).first(where: { isLower(bytes[$0]) }) else {
                        wordStart = upper
                        break
                    }
                    if lower == upper + 1 {
                        wordStart = upper
                    } else {
                        word(upper..<(lower - 1))
                        wordStart = lower - 1
                    }
                    searchStart = lower + 1
                }
                word(wordStart..<end)
                return written
            }
        }
    }

    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    private static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }

    private struct OneKey: Encodable {
        let key: String
        struct Name: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Name.self)
            try container.encode(0, forKey: Name(stringValue: key))
        }
    }

    /// `JSONEncoder`'s own spelling of the name.
    static func foundationName(_ key: String) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(OneKey(key: key)),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let name = object.keys.first
        else { return key }
        return name
    }
}
