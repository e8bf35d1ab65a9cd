import Foundation
import Domain

/// One JSON style for every response: snake_case keys, RFC 3339 UTC timestamps, sorted keys
/// (`ResponseEncoder`).
enum JSONCoding {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        // Encoding our own DTOs cannot fail; a failure here is a programming error worth crashing tests on.
        guard let bytes = try? ResponseEncoder.encode(value) else {
            assertionFailure("unencodable response \(T.self)")
            return Array(#"{"error":"encoding"}"#.utf8)
        }
        return bytes
    }

    /// `value` encoded with one string field standing for a stored JSON document, which is put
    /// in as it is stored. Decoded and encoded again, the document's numbers would pass through
    /// Double: a 60-digit integer came back rounded and 1e400 as null.
    static func encode<T: Encodable>(_ value: T, placeholder: String, document: String) -> [UInt8] {
        let encoded = encode(value)
        let marker = Array("\"\(placeholder)\"".utf8)
        guard let start = encoded.firstRange(of: marker) else { return encoded }
        var spliced = encoded
        spliced.replaceSubrange(start, with: Array(document.utf8))
        return spliced
    }
}

/// A page of a list as the API returns it; `next_cursor` is null on the last page.
struct ListBody<Item: Encodable>: Encodable {
    let items: [Item]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey { case items, nextCursor }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
