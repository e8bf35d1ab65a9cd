public import Foundation

/// UUIDs to and from their text, by hand: Foundation's `uuidString` and `UUID(uuidString:)` go
/// through sprintf and sscanf on Linux, which showed in intake's profile (every row and every
/// bind parameter holds some).
///
/// Both work on the text's bytes in place, unrolled, at fixed offsets: walking
/// `String.UTF8View` byte by byte and a table of hex digits in a static array took about 1,800
/// instructions a parse and 600 a write (callgrind), a tenth of an authenticated list's own work
/// (every row holds a few ids).
extension UUID {
    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lowercase: what PostgreSQL prints and the API shows.
    public var lowercasedText: String {
        String(unsafeUninitializedCapacity: 36) { out in
            write(into: out)
            return 36
        }
    }

    /// The same text appended to `out`, with no String in between (a list writes a few ids a row).
    public func appendLowercasedText(to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { text in
            write(into: text)
            out.append(contentsOf: UnsafeBufferPointer(text))
        }
    }

    /// The lowercase text into the first 36 bytes of `out`.
    private func write(into out: UnsafeMutableBufferPointer<UInt8>) {
        let u = uuid
        @inline(__always) func put(_ byte: UInt8, _ at: Int) {
            out[at] = HexDigit.lowercase(byte >> 4)
            out[at + 1] = HexDigit.lowercase(byte & 0x0F)
        }
        put(u.0, 0); put(u.1, 2); put(u.2, 4); put(u.3, 6); out[8] = UInt8(ascii: "-")
        put(u.4, 9); put(u.5, 11); out[13] = UInt8(ascii: "-")
        put(u.6, 14); put(u.7, 16); out[18] = UInt8(ascii: "-")
        put(u.8, 19); put(u.9, 21); out[23] = UInt8(ascii: "-")
        put(u.10, 24); put(u.11, 26); put(u.12, 28); put(u.13, 30); put(u.14, 32); put(u.15, 34)
    }

    /// The same 36-character form in either case (as `UUID(uuidString:)` reads); nil otherwise.
    public init?(text: String) {
        var text = text
        guard let value = text.withUTF8(Self.parse) else { return nil }
        self.init(uuid: value)
    }

    /// The same from UTF-8 bytes in place (a column's value as libpq holds it).
    public init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        guard let value = Self.parse(text) else { return nil }
        self.init(uuid: value)
    }

    /// The 16 bytes written in `text`, or nil. Every digit is read before one check at the end.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard text.count == 36, text[8] == UInt8(ascii: "-"), text[13] == UInt8(ascii: "-"), text[18] == UInt8(ascii: "-"),
            text[23] == UInt8(ascii: "-")
        else { return nil }
        var invalid: UInt8 = 0
        @inline(__always) func byte(_ at: Int) -> UInt8 {
            let high = HexDigit.nibble(text[at]), low = HexDigit.nibble(text[at + 1])
            invalid |= high | low
            return high << 4 | low
        }
        let value: uuid_t = (
            byte(0), byte(2), byte(4), byte(6), byte(9), byte(11), byte(14), byte(16),
            byte(19), byte(21), byte(24), byte(26), byte(28), byte(30), byte(32), byte(34)
        )
        return invalid & 0xF0 == 0 ? value : nil
    }
}

/// One hexadecimal digit's value, either case; nil for any other byte.
public enum HexDigit {
    static func value(_ byte: UInt8) -> UInt8? {
        let value = nibble(byte)
        return value == 0xFF ? nil : value
    }

    /// The digit's value (0...15), either case, or 0xFF for any other byte.
    @inline(__always)
    static func nibble(_ byte: UInt8) -> UInt8 {
        let digit = byte &- UInt8(ascii: "0")
        if digit < 10 { return digit }
        let letter = (byte | 0x20) &- UInt8(ascii: "a")
        return letter < 6 ? letter + 10 : 0xFF
    }

    /// The lowercase digit for a nibble (0...15).
    @inline(__always)
    public static func lowercase(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }
}
