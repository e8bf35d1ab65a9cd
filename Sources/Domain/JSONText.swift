/// JSON text read by hand, a byte at a time: string escapes (the card masker decodes one string
/// at a time, so that `"\u0034111…"` is seen as the digits it stands for), where a string ends,
/// and how deep a document nests, without parsing it.
public enum JSONText {
    /// Where the string token starting at `start` (a quote) ends, past its closing quote.
    static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == UInt8(ascii: "\"") { return index + 1 }
            index += 1
        }
        return bytes.count
    }

    /// The deepest nesting of arrays and objects in a JSON text, outside its strings.
    public static func nesting(_ bytes: [UInt8]) -> Int {
        var depth = 0, deepest = 0, index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index = stringEnd(bytes, from: index)
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
            index += 1
        }
        return deepest
    }

    /// The text a string token's content (without its quotes) stands for; nil when an escape is
    /// malformed.
    static func unescape(_ content: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        var pendingHigh: UInt32?
        var index = 0
        var plain: [UInt8] = []
        func flushPlain() {
            scalars.append(contentsOf: String(decoding: plain, as: UTF8.self).unicodeScalars)
            plain.removeAll(keepingCapacity: true)
        }
        while index < content.count {
            let byte = content[index]
            guard byte == UInt8(ascii: "\\") else {
                plain.append(byte)
                index += 1
                continue
            }
            flushPlain()
            guard index + 1 < content.count else { return nil }
            let escape = content[index + 1]
            index += 2
            if escape == UInt8(ascii: "u") {
                guard index + 4 <= content.count, let code = UInt32(String(decoding: content[index..<(index + 4)], as: UTF8.self), radix: 16) else {
                    return nil
                }
                index += 4
                if (0xD800...0xDBFF).contains(code) {
                    pendingHigh = code
                    continue
                }
                if (0xDC00...0xDFFF).contains(code), let high = pendingHigh {
                    pendingHigh = nil
                    guard let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)) else { return nil }
                    scalars.append(scalar)
                    continue
                }
                pendingHigh = nil
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                continue
            }
            let simple: [UInt8: Unicode.Scalar] = [
                UInt8(ascii: "\""): "\"", UInt8(ascii: "\\"): "\\", UInt8(ascii: "/"): "/", UInt8(ascii: "b"): "\u{08}", UInt8(ascii: "f"): "\u{0C}",
                UInt8(ascii: "n"): "\n", UInt8(ascii: "r"): "\r", UInt8(ascii: "t"): "\t",
            ]
            guard let scalar = simple[escape] else { return nil }
            scalars.append(scalar)
        }
        flushPlain()
        return String(scalars)
    }

    /// `text` as a JSON string token, quotes included.
    static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `text` as a JSON string token appended to `out`, as JSONEncoder writes one: `"` and `\`
    /// escaped, control characters as escapes, the rest (slashes and non-ASCII included) as it
    /// is; plain runs copied whole. `escapingSlashes` writes `/` as `\/`, as JSONSerialization does.
    public static func appendQuoted(_ text: String, to out: inout [UInt8], escapingSlashes: Bool = false) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            guard needsEscaping(bytes, escapingSlashes: escapingSlashes) else {
                out.append(contentsOf: bytes)
                return
            }
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5c || (byte == 0x2f && escapingSlashes) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                switch byte {
                case 0x22: out.append(contentsOf: [0x5c, 0x22])
                case 0x5c: out.append(contentsOf: [0x5c, 0x5c])
                case 0x2f: out.append(contentsOf: [0x5c, 0x2f])
                case 0x0a: out.append(contentsOf: [0x5c, UInt8(ascii: "n")])
                case 0x0d: out.append(contentsOf: [0x5c, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5c, UInt8(ascii: "t")])
                case 0x08: out.append(contentsOf: [0x5c, UInt8(ascii: "b")])
                case 0x0c: out.append(contentsOf: [0x5c, UInt8(ascii: "f")])
                default: out.append(contentsOf: [0x5c, UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 15)]])
                }
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any byte needs an escape: eight bytes at a time (a word holds a control character,
    /// a quote, a backslash, a slash or a DEL exactly when these tests say so), since nearly no
    /// value holds one and a byte-by-byte scan was half of writing a list's strings (callgrind).
    /// The access log also escapes DEL (`escapingDelete`).
    public static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>, escapingSlashes: Bool, escapingDelete: Bool = false) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // A byte of `word` below `n` (n <= 128), and a zero byte: Bit Twiddling Hacks' tests.
        @inline(__always) func hasLess(_ word: UInt64, _ n: UInt64) -> Bool { (word &- ones &* n) & ~word & highs != 0 }
        @inline(__always) func hasZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        var index = 0
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if hasLess(word, 0x20) || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5c))
                || (escapingSlashes && hasZero(word ^ (ones &* 0x2f))) || (escapingDelete && hasZero(word ^ (ones &* 0x7f)))
            {
                return true
            }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5c || (byte == 0x2f && escapingSlashes) || (byte == 0x7f && escapingDelete) {
                return true
            }
            index += 1
        }
        return false
    }
}
