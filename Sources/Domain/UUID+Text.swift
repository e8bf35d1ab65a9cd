public import Foundation

/// UUIDs to and from their text, by hand: Foundation's `uuidString` and `UUID(uuidString:)` go
/// through sprintf and sscanf on Linux, which showed in intake's profile (every row and every
/// bind parameter holds some).
extension UUID {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lowercase: what PostgreSQL prints and the API shows.
    public var lowercasedText: String {
        let bytes = uuid
        return withUnsafeBytes(of: bytes) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = Self.hexDigits[Int(raw[index] >> 4)]
                    out[position + 1] = Self.hexDigits[Int(raw[index] & 0x0F)]
                    position += 2
                }
                return 36
            }
        }
    }

    /// The same 36-character form in either case (as `UUID(uuidString:)` reads); nil otherwise.
    public init?(text: String) {
        // Into the uuid tuple itself: a heap array per parse showed in list responses' profiles
        // (every row holds a few ids).
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &value) { bytes -> Bool in
            var count = 0
            var high: UInt8?
            var position = 0
            for byte in text.utf8 {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard byte == UInt8(ascii: "-") else { return false }
                    position += 1
                    continue
                }
                guard let nibble = HexDigit.value(byte), count < 16 else { return false }
                if let first = high {
                    bytes[count] = first << 4 | nibble
                    count += 1
                    high = nil
                } else {
                    high = nibble
                }
                position += 1
            }
            return position == 36 && count == 16
        }
        guard parsed else { return nil }
        self.init(uuid: value)
    }
}

/// One hexadecimal digit's value, either case; nil for any other byte.
enum HexDigit {
    static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
