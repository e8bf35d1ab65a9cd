/// Masks payment card numbers before anything is stored: a number of 13 to 19 digits that passes
/// the Luhn check and starts like a card (2-6) keeps its last four digits and loses the rest.
/// It is found however it is written:
/// - in text, with up to three separators between digit groups (spaces, `-`, `.`, `_`, `/`), and
///   anywhere in a run of groups (`order 12 4111 1111 1111 1111`);
/// - in JSON, on each string as decoded (`"\u0034111…"` is found), and on each number by its
///   value (`4111111111111111e0`, `4111111111111111.0`, `4.111111111111111e15`), which becomes a
///   string (`"************1111"`) so the document stays valid JSON.
/// Numbers starting 0, 1, 7, 8 or 9 (timestamps, most order ids) are left alone, as is a number
/// that is part of a longer token (`ORD4111…`) or has a fraction.
public enum CardNumberMasking {
    public static func maskJSON(_ text: String) -> String {
        var text = text
        guard let masked = text.withUTF8({ maskedJSON($0) }) else { return text }
        return String(decoding: masked, as: UTF8.self)
    }

    /// The JSON text with its card numbers masked, or nil when it holds none. Read in place, and
    /// copied only from the first change on: nearly every webhook has no card number, and the
    /// token-by-token copy this replaced was most of intake's masking time.
    static func maskedJSON(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8]?
        var copied = 0
        func replace(_ start: Int, _ end: Int, with replacement: [UInt8]) {
            if out == nil {
                out = []
                out!.reserveCapacity(bytes.count + 16)
            }
            out!.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<start]))
            out!.append(contentsOf: replacement)
            copied = end
        }
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                // To the closing quote, counting digits (an escape's included): a string with
                // fewer than 13 holds no card, however it is written.
                var end = index + 1, digits = 0
                while end < bytes.count, bytes[end] != quote {
                    if isDigit(bytes[end]) { digits += 1 }
                    if bytes[end] == backslash, end + 1 < bytes.count {
                        end += 1
                        if isDigit(bytes[end]) { digits += 1 }
                    }
                    end += 1
                }
                end = min(end + 1, bytes.count)
                if digits >= 13 {
                    let token = Array(bytes[index..<end])
                    let masked = maskedString(token)
                    if masked != token { replace(index, end, with: masked) }
                }
                index = end
            } else if isDigit(byte) || byte == UInt8(ascii: "-"), index == 0 || !isAlphanumeric(bytes[index - 1]) {
                var end = index + 1, digits = 0, exponent = false
                while end < bytes.count, isNumberByte(bytes[end]) {
                    if isDigit(bytes[end]) { digits += 1 }
                    if bytes[end] | 0x20 == UInt8(ascii: "e") { exponent = true }
                    end += 1
                }
                // Without an exponent a number's value has no more digits than it is written with.
                if exponent || digits + (isDigit(byte) ? 1 : 0) >= 13, let value = integerDigits(Array(bytes[index..<end])), let masked = masked(value) {
                    replace(index, end, with: [quote] + masked + [quote])
                }
                index = end
            } else {
                index += 1
            }
        }
        guard var out else { return nil }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        return out
    }

    /// Any other text (form fields, key~value pairs, headers, names and notes).
    public static func maskText(_ text: String) -> String {
        String(decoding: mask(Array(text.utf8)), as: UTF8.self)
    }

    /// Whether an identifier holds a card number written as one run of digits. Identifiers are
    /// not free text: `order-2-1765000000-123` is digit groups joined by dashes, and reading it
    /// as a card (as `maskText` would, one time in ten) would refuse a sender's ordinary id.
    public static func containsPlainCardNumber(_ identifier: String) -> Bool {
        mask(Array(identifier.utf8), separators: 0) != Array(identifier.utf8)
    }

    /// A JSON string token (quotes included): decoded, masked, and written back escaped only if
    /// something was masked; a token that does not decode is masked as it is written.
    static func maskedString(_ token: [UInt8]) -> [UInt8] {
        // Most strings hold fewer than 13 digits (escapes' included): no card, nothing to decode.
        // Without a backslash a string is its own text: masked as written, with no decoding.
        guard token.lazy.filter(isDigit).count >= 13 else { return token }
        guard token.contains(UInt8(ascii: "\\")) else { return mask(token) }
        guard token.count >= 2, token.last == UInt8(ascii: "\""), let decoded = JSONText.unescape(Array(token[1..<(token.count - 1)])) else {
            return mask(token)
        }
        let masked = mask(Array(decoded.utf8))
        return masked == Array(decoded.utf8) ? token : Array(JSONText.quoted(String(decoding: masked, as: UTF8.self)).utf8)
    }

    /// The whole-number value of a JSON number token as its digits, or nil when it has a
    /// fraction or is not a number: `4111111111111111.0` and `4.111111111111111e15` give
    /// `4111111111111111`.
    static func integerDigits(_ token: [UInt8]) -> [UInt8]? {
        var index = token.first == UInt8(ascii: "-") ? 1 : 0
        var mantissa: [UInt8] = [], fraction = 0, exponent = 0, exponentSign = 1
        while index < token.count, isDigit(token[index]) { mantissa.append(token[index]); index += 1 }
        if index < token.count, token[index] == UInt8(ascii: ".") {
            index += 1
            while index < token.count, isDigit(token[index]) { mantissa.append(token[index]); fraction += 1; index += 1 }
        }
        if index < token.count, token[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < token.count, token[index] == UInt8(ascii: "-") || token[index] == UInt8(ascii: "+") {
                exponentSign = token[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
            }
            var digits = 0
            while index < token.count, isDigit(token[index]), digits < 4 { exponent = exponent * 10 + Int(token[index] - 48); index += 1; digits += 1 }
        }
        guard index == token.count, !mantissa.isEmpty else { return nil }
        let shift = exponentSign * exponent - fraction
        var digits = mantissa
        if shift >= 0 {
            guard shift <= 19 else { return nil }
            digits += Array(repeating: UInt8(ascii: "0"), count: shift)
        } else {
            guard -shift <= digits.count, digits.suffix(-shift).allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
            digits.removeLast(-shift)
        }
        while digits.count > 1, digits.first == UInt8(ascii: "0") { digits.removeFirst() }
        return digits
    }

    /// `digits` masked, when they are a card number.
    static func masked(_ digits: [UInt8]) -> [UInt8]? {
        guard (13...19).contains(digits.count), (UInt8(ascii: "2")...UInt8(ascii: "6")).contains(digits[0]), luhn(digits) else { return nil }
        return Array(repeating: UInt8(ascii: "*"), count: digits.count - 4) + digits.suffix(4)
    }

    /// Text with every card number in it masked.
    static func mask(_ bytes: [UInt8], separators: Int = 3) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            // A run starts at a digit that does not continue a longer token.
            guard isDigit(bytes[index]), index == 0 || !isAlphanumeric(bytes[index - 1]) else {
                out.append(bytes[index])
                index += 1
                continue
            }
            let groups = digitGroups(bytes, from: index, separators: separators)
            let end = groups.last!.end
            // A letter right after the run makes it part of a longer token: not a card.
            let joined = end < bytes.count && isAlphanumeric(bytes[end])
            if !joined, let (first, last) = card(in: groups, bytes) {
                out += bytes[index..<groups[first].start]
                out += masked(groups[first...last].flatMap { Array(bytes[$0.start..<$0.end]) })!
                out += bytes[groups[last].end..<end]
            } else {
                out += bytes[index..<end]
            }
            index = end
        }
        return out
    }

    /// The digit groups of a run starting at `start`: digits, separated by at most `allowed` of
    /// ` `, `-`, `.`, `_`, `/` (three in text; none in an identifier).
    static func digitGroups(_ bytes: [UInt8], from start: Int, separators allowed: Int) -> [(start: Int, end: Int)] {
        var groups: [(start: Int, end: Int)] = []
        var index = start
        while index < bytes.count, isDigit(bytes[index]) {
            let groupStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            groups.append((groupStart, index))
            var next = index, separators = 0
            while next < bytes.count, separators < allowed, separator(bytes[next]) { next += 1; separators += 1 }
            guard separators > 0, next < bytes.count, isDigit(bytes[next]) else { break }
            index = next
        }
        return groups
    }

    /// The groups (first and last index) that make the longest card number in the run, if any.
    static func card(in groups: [(start: Int, end: Int)], _ bytes: [UInt8]) -> (Int, Int)? {
        for first in groups.indices {
            var best: Int?
            var count = 0
            for last in first..<groups.count {
                count += groups[last].end - groups[last].start
                if count > 19 { break }
                let digits = groups[first...last].flatMap { Array(bytes[$0.start..<$0.end]) }
                if masked(digits) != nil { best = last }
            }
            if let best { return (first, best) }
        }
        return nil
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

    static func separator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "/")
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
}
