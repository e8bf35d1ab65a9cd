import Foundation
import Testing
import Domain
@testable import AdminAPI

/// The response encoder against the `JSONEncoder` configuration it replaced: the same bytes for
/// every kind of value our bodies hold.
@Suite("Response JSON encoder")
struct ResponseEncoderTests {
    static func foundation<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return Array(try encoder.encode(value))
    }

    enum Kind: String, Encodable { case saleAmount, refund }

    struct Inner: Encodable {
        let lineNumber: Int
        let unitCost: Decimal
    }

    struct Everything: Encodable {
        let id = UUID()
        let tenantId = "7c0e…"
        let myURLValue = URL(string: "https://example.com/a/b?c=d")!
        let _leading = 1
        let trailing_ = 2
        let createdAt = Date(timeIntervalSince1970: 1_765_000_000.123456)
        let amount = Decimal(string: "108.25")!
        let negative = Decimal(string: "-0.10")!
        let ratios: [Double] = [1.0, 0.1, 1e21, 2.5e-8, -3, 123_456_789.125]
        let ratio: Float = 0.25
        let small: Int8 = -5
        let big: UInt64 = 18_000_000_000_000_000_000
        let count: Int64 = -42
        let flag = true
        let missing: String? = nil
        let present: String? = "x"
        let bytes = Data([0, 1, 2, 250])
        let kind = Kind.saleAmount
        let lines = [Inner(lineNumber: 1, unitCost: 2), Inner(lineNumber: 2, unitCost: Decimal(string: "0.005")!)]
        let byName: [String: Int] = ["camelCase": 1, "snake_case": 2, "Ünïcode": 3, "b": 4, "a": 5, "A": 6]
        let byNumber: [Int: String] = [3: "three", 10: "ten"]
        let document = JSONValue.object([
            "someKey": .array([.number(1.5), .string("tab\there"), .null, .bool(false)]), "nested": .object(["innerKey": .number(3)]),
        ])
        let text = "quote \" backslash \\ slash / newline \n return \r bell \u{07} nul \u{0} del \u{7f} é 💳 \u{2028}"
        let empty: [String] = []
        let emptyObject: [String: String] = [:]

        enum CodingKeys: String, CodingKey {
            case id, tenantId, myURLValue, _leading, trailing_, createdAt, amount, negative, ratios, ratio, small, big, count, flag, missing, present
            case bytes, kind, lines, byName, byNumber, document, text, empty, emptyObject, explicitNull
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(tenantId, forKey: .tenantId)
            try container.encode(myURLValue, forKey: .myURLValue)
            try container.encode(_leading, forKey: ._leading)
            try container.encode(trailing_, forKey: .trailing_)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(amount, forKey: .amount)
            try container.encode(negative, forKey: .negative)
            try container.encode(ratios, forKey: .ratios)
            try container.encode(ratio, forKey: .ratio)
            try container.encode(small, forKey: .small)
            try container.encode(big, forKey: .big)
            try container.encode(count, forKey: .count)
            try container.encode(flag, forKey: .flag)
            try container.encodeIfPresent(missing, forKey: .missing)
            try container.encodeIfPresent(present, forKey: .present)
            try container.encode(missing, forKey: .explicitNull)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(kind, forKey: .kind)
            try container.encode(lines, forKey: .lines)
            try container.encode(byName, forKey: .byName)
            try container.encode(byNumber, forKey: .byNumber)
            try container.encode(document, forKey: .document)
            try container.encode(text, forKey: .text)
            try container.encode(empty, forKey: .empty)
            try container.encode(emptyObject, forKey: .emptyObject)
        }
    }

    /// Nested containers filled after they are taken, a key written twice, and a super encoder.
    struct Nesting: Encodable {
        enum Keys: String, CodingKey { case outerValue, innerList, sameKey, superKey }
        enum InnerKeys: String, CodingKey { case deepValue }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var nested = container.nestedContainer(keyedBy: InnerKeys.self, forKey: .outerValue)
            var list = container.nestedUnkeyedContainer(forKey: .innerList)
            try container.encode(1, forKey: .sameKey)
            try nested.encode("late", forKey: .deepValue)
            try list.encode(true)
            var deeper = list.nestedContainer(keyedBy: InnerKeys.self)
            try deeper.encode(2, forKey: .deepValue)
            try container.encode(3, forKey: .sameKey)
            let sup = container.superEncoder(forKey: .superKey)
            var supContainer = sup.container(keyedBy: InnerKeys.self)
            try supContainer.encode("s", forKey: .deepValue)
            let base = container.superEncoder()
            var single = base.singleValueContainer()
            try single.encode(Decimal(7))
        }
    }

    @Test func writesTheSameBytesAsTheFoundationEncoder() throws {
        let everything = Everything()
        #expect(String(decoding: try ResponseEncoder.encode(everything), as: UTF8.self) == String(decoding: try Self.foundation(everything), as: UTF8.self))
        #expect(String(decoding: try ResponseEncoder.encode(Nesting()), as: UTF8.self) == String(decoding: try Self.foundation(Nesting()), as: UTF8.self))
        // Top-level fragments and collections.
        #expect(try ResponseEncoder.encode("a/b") == Self.foundation("a/b"))
        #expect(try ResponseEncoder.encode([1.0, 2.5]) == Self.foundation([1.0, 2.5]))
        #expect(try ResponseEncoder.encode(["someKey": ["innerKey": 1]]) == Self.foundation(["someKey": ["innerKey": 1]]))
        #expect(try ResponseEncoder.encode(Optional<Int>.none) == Self.foundation(Optional<Int>.none))
    }

    @Test func aNumberJSONCannotHoldIsAnError() {
        #expect(throws: ResponseEncoder.Unencodable.self) { try ResponseEncoder.encode([Double.nan]) }
        #expect(throws: ResponseEncoder.Unencodable.self) { try ResponseEncoder.encode(["x": Double.infinity]) }
    }

    /// The ASCII conversion against JSONEncoder's own, on names like ours and on 3,000 random
    /// ones mixing runs of capitals, digits, underscores and dashes.
    @Test func asciiNamesAreSpelledAsJSONEncoderSpellsThem() {
        var names = [
            "nextCursor", "tenantId", "lastUsedAt", "URL", "myURLProperty", "aB", "A", "ID", "userID", "iOSVersion", "x", "",
            "already_snake", "Leading", "trailingCAPS", "with2Digits3X", "a_B", "ABCdef", "abcDEF", "_privateName", "dash-Name",
        ]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aAbBzZ09_-".utf8)
        for _ in 0..<3000 {
            let length = Int.random(in: 1...12, using: &generator)
            names.append(String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self))
        }
        for name in names {
            #expect(SnakeCaseKeys.asciiName(name) == SnakeCaseKeys.foundationName(name), "\(name)")
        }
    }

    /// A body that writes itself writes what `Encodable` and `JSONEncoder` write for it: with and
    /// without its optional fields, with text that needs escaping, and as a page of a list.
    @Test func bodiesThatWriteThemselvesWriteWhatEncodableWrites() throws {
        let tenant = UUID()
        let keys = [
            APIKey(
                id: UUID(), tenantId: tenant, name: "reader", role: .viewer, prefix: "cl_ab12", createdAt: Date(timeIntervalSince1970: 1_765_000_000.123456),
                lastUsedAt: nil, createdBy: "user:ann@example.com"),
            APIKey(
                id: UUID(), tenantId: tenant, name: "quote \" slash / back\\ tab\t é 🙂 \u{01}", role: .admin, prefix: "cl_cd34",
                createdAt: Date(timeIntervalSince1970: 0), lastUsedAt: Date(timeIntervalSince1970: 1_765_100_000.5), createdBy: "api-key"),
        ]
        let bodies = [APIKeyBody(keys[0]), APIKeyBody(keys[1], token: "cl_cd34.secret"), APIKeyBody(keys[0], token: "")]
        for body in bodies {
            #expect(try ResponseEncoder.encode(body) == ResponseEncoder.encodeThroughEncodable(body))
            #expect(try ResponseEncoder.encode(body) == Self.foundation(body))
        }
        for page in [ListBody(items: bodies, nextCursor: nil), ListBody(items: bodies, nextCursor: "c_1"), ListBody(items: [APIKeyBody](), nextCursor: nil)] {
            #expect(try ResponseEncoder.encode(page) == ResponseEncoder.encodeThroughEncodable(page))
            #expect(try ResponseEncoder.encode(page) == Self.foundation(page))
        }
    }
}
