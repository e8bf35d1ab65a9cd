/// Masks payment card numbers in text before it is stored: every run of 13 to 19 digits
/// (single spaces or dashes allowed between digits) that passes the Luhn check and starts like
/// a card (2-6) keeps its last four digits and loses the rest. In JSON, a card number sent as a
/// bare number becomes a string (`"************1111"`), so the document stays valid JSON.
/// Numbers starting 0, 1, 7, 8 or 9 (timestamps, most order ids) are left alone.
public enum CardNumberMasking {
    public static func maskJSON(_ text: String) -> String {
        mask(Array(text.utf8), json: true)
    }

    /// Any other text (form fields, key~value pairs).
    public static func maskText(_ text: String) -> String {
        mask(Array(text.utf8), json: false)
    }

    private static func mask(_ bytes: [UInt8], json: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if json && inString && escaped {
                escaped = false
                out.append(byte)
                index += 1
                continue
            }
            if json && byte == UInt8(ascii: "\\") && inString {
                escaped = true
                out.append(byte)
                index += 1
                continue
            }
            if json && byte == UInt8(ascii: "\"") {
                inString.toggle()
                out.append(byte)
                index += 1
                continue
            }
            // A run starts at a digit that does not continue a longer token (a letter or digit before it).
            let startsRun = isDigit(byte) && (index == 0 || !isAlphanumeric(bytes[index - 1]))
            if startsRun, let run = cardRun(bytes, from: index, separatorsAllowed: !json || inString) {
                let masked = Array(repeating: UInt8(ascii: "*"), count: run.digits.count - 4) + run.digits.suffix(4)
                if json && !inString {
                    out += [UInt8(ascii: "\"")] + masked + [UInt8(ascii: "\"")]
                } else {
                    out += masked
                }
                index = run.end
                continue
            }
            out.append(byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The card number starting at `start`, if there is one, and where it ends.
    private static func cardRun(_ bytes: [UInt8], from start: Int, separatorsAllowed: Bool) -> (digits: [UInt8], end: Int)? {
        var digits: [UInt8] = []
        var index = start
        var end = start
        while index < bytes.count, digits.count <= 19 {
            let byte = bytes[index]
            if isDigit(byte) {
                digits.append(byte)
                index += 1
                end = index
            } else if separatorsAllowed, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-"),
                index + 1 < bytes.count, isDigit(bytes[index + 1]), !digits.isEmpty
            {
                index += 1
            } else {
                break
            }
        }
        guard (13...19).contains(digits.count) else { return nil }
        // Part of a longer alphanumeric token (or number with a fraction): not a card.
        if end < bytes.count, isAlphanumeric(bytes[end]) || bytes[end] == UInt8(ascii: ".") { return nil }
        guard (UInt8(ascii: "2")...UInt8(ascii: "6")).contains(digits[0]), luhn(digits) else { return nil }
        return (digits, end)
    }

    public static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (position, byte) in digits.reversed().enumerated() {
            var digit = Int(byte - UInt8(ascii: "0"))
            if position % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
}
