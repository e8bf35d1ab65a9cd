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
