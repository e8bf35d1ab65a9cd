/// A JSON value as `ResponseEncoder` builds it. Objects and arrays are reference boxes, because
/// a nested container is handed out first and filled afterwards.
enum JSONNode {
    case null
    case bool(Bool)
    /// The number's text, written as it is.
    case number(String)
    case string(String)
    case object(JSONObjectNode)
    case array(JSONArrayNode)

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): Self.quote(text, to: &out)
        case .object(let object): object.write(to: &out)
        case .array(let array): array.write(to: &out)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A string token: `"` and `\` escaped, control characters as escapes, the rest (slashes and
    /// non-ASCII included) as it is.
    static func quote(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5c {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                switch byte {
                case 0x22: out.append(contentsOf: [0x5c, 0x22])
                case 0x5c: out.append(contentsOf: [0x5c, 0x5c])
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
}

final class JSONObjectNode {
    /// In the order written; a key written twice keeps its last value, as in a dictionary.
    var members: [(key: String, value: JSONNode)] = []

    func set(_ key: String, _ value: JSONNode) {
        members.append((key, value))
    }

    /// Keys sorted, as `JSONEncoder`'s `.sortedKeys`.
    func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        // Positions sorted by key, then by when written: of equal keys (adjacent once sorted),
        // the last written wins.
        // String's own order: for the NFC text keys are, the same as their UTF-8 bytes', and
        // much faster than comparing the bytes one by one.
        let order = members.indices.sorted { left, right in
            let (a, b) = (members[left].key, members[right].key)
            return a == b ? left < right : a < b
        }
        var first = true
        for (position, index) in order.enumerated() {
            let member = members[index]
            if position + 1 < order.count, members[order[position + 1]].key == member.key { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONNode.quote(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            member.value.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

final class JSONArrayNode {
    var elements: [JSONNode] = []

    func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            element.write(to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}
