import Foundation
import Testing
@testable import Domain

/// The hand-written JSON reader against `JSONDecoder`, which it replaced for `JSONValue`: the
/// same value for every document, and the same refusals.
@Suite("JSON text into JSONValue, as JSONDecoder reads it")
struct JSONValueParserTests {
    static func decoded(_ text: String) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

    @Test(arguments: [
        #"{"a": 1, "b": [true, false, null, "x"], "c": {"d": -0.5e2}}"#, #"[]"#, #"{}"#, #" [ 1 , 2 ] "#, #""text""#, "12", "-0", "0.25",
        #""\u0034111 1111 1111 1111""#, #""\ud83d\ude00 and \n\t\"\\\/""#, #"{"amount": "10.00", "nested": [[[[]]]]}"#, "1E+2", "3e-5",
        #"{"k": 1, "k": 2}"#, #""\u0000""#, "[1,]", "{\"a\":1,}", "123456789012345678901234567890", #"{"é": "ü€𝄞"}"#,
        // Refused by both.
        "", " ", "[1,,]", "[,]", "{,}", "01", "1.", ".5", "+1", "1e400", "-1e400", "[1 2]", "{\"a\" 1}", "{a: 1}", "tru", "nul", "[",
        "{\"a\":", "\"unterminated", "\"bad \\x escape\"", "\"raw \u{01} control\"", "\"\\ud800 lone\"", "[1] x", "NaN", "Infinity", "// c\n1",
    ])
    func readsAsJSONDecoderDoes(_ text: String) {
        #expect(JSONValueParser.parse(text) == Self.decoded(text), "\(text)")
    }

    @Test func randomDocumentsReadBackTheSame() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let value = Self.random(depth: 0, &generator)
            let text = value.canonicalText
            #expect(JSONValueParser.parse(text) == Self.decoded(text), "\(text)")
            #expect(JSONValueParser.parse(text) == value, "\(text)")
        }
    }

    /// `canonicalJSON` is written by hand; it must be JSONEncoder's sorted text byte for byte,
    /// since stored checksums and payloads were made with the encoder.
    @Test func canonicalTextIsJSONEncodersSortedText() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var generator = SystemRandomNumberGenerator()
        let keys = ["", "a", "A", "_", "10", "9", "a10", "a9", "é", "e\u{301}x", "f", "😀", "ａ", "a\u{1}", "\"q\"", "/"]
        let numbers: [Double] = [0, -0.0, 1, 100, 0.1, 1e15, 1e16, 1e21, 1e-7, 5e-324, -1.5e-10, 12345.678, .greatestFiniteMagnitude]
        for _ in 0..<500 {
            var value = Self.random(depth: 0, &generator)
            if case .object(var fields) = value {
                for _ in 0..<Int.random(in: 0...6, using: &generator) {
                    fields[keys.randomElement(using: &generator)!] = .number(numbers.randomElement(using: &generator)!)
                }
                fields["controls"] = .string(String(String.UnicodeScalarView((0..<32).compactMap { Unicode.Scalar($0) })) + "\u{7f}\u{2028}")
                value = .object(fields)
            }
            let expected = try encoder.encode(value)
            #expect(value.canonicalJSON == Array(expected), "\(String(decoding: expected, as: UTF8.self))")
        }
        #expect(JSONValue.array([.number(.nan)]).canonicalJSON.isEmpty)
    }

    @Test func deepNestingIsRefusedNotACrash() {
        #expect(JSONValueParser.parse(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)) == nil)
        #expect(JSONValueParser.parse(String(repeating: "[", count: 500) + String(repeating: "]", count: 500)) != nil)
    }

    static func random(depth: Int, _ generator: inout SystemRandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 4 ? 4 : 6), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .number(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 100)
        case 3: return .string(String((0..<Int.random(in: 0...12, using: &generator)).map { _ in "aé\"\\\n 4€😀/".randomElement(using: &generator)! }))
        case 4: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in random(depth: depth + 1, &generator) })
        default:
            var fields: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 0...4, using: &generator) { fields["k\(index)"] = random(depth: depth + 1, &generator) }
            return .object(fields)
        }
    }
}
