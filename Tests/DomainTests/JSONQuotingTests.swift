import Testing
@testable import Domain

/// JSON strings as `JSONText.appendQuoted` writes them, word-at-a-time scan included, against a
/// plain byte-by-byte reading of the same rules.
@Suite("JSON string quoting")
struct JSONQuotingTests {
    /// Each byte on its own: what needs an escape, and the escape.
    static func reference(_ text: String, escapingSlashes: Bool) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5c, 0x22]
            case 0x5c: out += [0x5c, 0x5c]
            case 0x2f where escapingSlashes: out += [0x5c, 0x2f]
            case 0x0a: out += Array("\\n".utf8)
            case 0x0d: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x08: out += Array("\\b".utf8)
            case 0x0c: out += Array("\\f".utf8)
            case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        return out + [0x22]
    }

    @Test func quotesAsTheByteByByteRulesDo() {
        // Each special character at every position of a word and of the tail, among plain ones.
        let specials: [Character] = ["\"", "\\", "/", "\n", "\u{01}", "\u{1f}", "\u{7f}", " ", "é", "😀", "\u{00}"]
        var generator = SystemRandomNumberGenerator()
        for length in 0...40 {
            for _ in 0..<40 {
                var text = String((0..<length).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7e, using: &generator))) })
                if length > 0, let special = specials.randomElement(using: &generator), Bool.random(using: &generator) {
                    let at = text.index(text.startIndex, offsetBy: Int.random(in: 0..<length, using: &generator))
                    text.replaceSubrange(at...at, with: String(special))
                }
                for slashes in [false, true] {
                    var out: [UInt8] = []
                    JSONText.appendQuoted(text, to: &out, escapingSlashes: slashes)
                    #expect(out == Self.reference(text, escapingSlashes: slashes), "\(text.debugDescription)")
                }
            }
        }
    }
}
