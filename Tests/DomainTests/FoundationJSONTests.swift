import Foundation
import Testing

@testable import Domain

/// The sandbox's answers and Zoho request bodies are written by FoundationJSON instead of
/// JSONSerialization, and must be the same text: clients' libraries read the emulators' answers,
/// and vendors read the bodies, as JSONSerialization wrote them. Objects hold one key each here, so that key order (the
/// dictionary's, in both) cannot differ.
@Suite("Foundation values as JSON text, as JSONSerialization writes them")
struct FoundationJSONTests {
    @Test func randomAnswersAreJSONSerializationsTextByteForByte() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<400 {
            let object = ["k": Self.random(depth: 0, &generator)]
            let expected = Array(try JSONSerialization.data(withJSONObject: object))
            let written = try #require(FoundationJSON.data(object))
            #expect(written == expected, "\(String(decoding: expected, as: UTF8.self))")
        }
    }

    @Test func numbersOfEveryKindTheEmulatorsHold() throws {
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data("[1, 2.5, true, false, 1e300, -0, 0.1, 12345678901234567890, 485.99]".utf8)) as? [Any])
        let amounts: [Any] = ["485.99", "0", "100.00", "-3.5", "1234567.891"].map { NSDecimalNumber(decimal: Decimal(string: $0)!) }
        let natives: [Any] = [true, false, 3, -7, 2.5, 100.0, 1e21, Decimal(string: "1.10")!, NSNumber(value: Float(1.1)), NSNumber(value: Int8(5)), NSNull()]
        for value in parsed + amounts + natives {
            let object = ["amount": value]
            #expect(FoundationJSON.data(object) == Array(try JSONSerialization.data(withJSONObject: object)), "\(value)")
        }
    }

    @Test func whatItCannotWriteIsLeftToJSONSerialization() {
        let missing: String? = nil
        #expect(FoundationJSON.data(["k": missing as Any]) == nil)
        #expect(FoundationJSON.data(["k": Double.nan]) == nil)
        #expect(FoundationJSON.data(["k": [Date()]]) == nil)
    }

    static func random(depth: Int, _ generator: inout SystemRandomNumberGenerator) -> Any {
        switch Int.random(in: 0..<(depth > 3 ? 7 : 9), using: &generator) {
        case 0: return NSNull()
        case 1: return Bool.random(using: &generator)
        case 2: return Int.random(in: -1_000_000...1_000_000, using: &generator)
        case 3: return Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 100
        case 4: return NSDecimalNumber(decimal: Decimal(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 100)
        case 5:
            let characters = Array("aé\"\\\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f} 4€😀/")
            return String((0..<Int.random(in: 0...12, using: &generator)).map { _ in characters.randomElement(using: &generator)! })
        case 6: return NSNumber(value: Double(Int.random(in: -1000...1000, using: &generator)) / 8)
        case 7: return (0..<Int.random(in: 0...4, using: &generator)).map { _ in random(depth: depth + 1, &generator) }
        default: return ["field": random(depth: depth + 1, &generator)]
        }
    }
}
