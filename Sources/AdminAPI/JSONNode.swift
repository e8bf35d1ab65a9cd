import Domain

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
        case .string(let text): JSONText.appendQuoted(text, to: &out)
        case .object(let object): object.write(to: &out)
        case .array(let array): array.write(to: &out)
        }
    }
}

final class JSONObjectNode {
    /// In the order written; a key written twice keeps its last value, as in a dictionary.
    var members: [(key: String, value: JSONNode)]

    init() {
        // Room for a typical body at once: growing 1, 2, 4, 8 was four allocations per object.
        members = []
        members.reserveCapacity(8)
    }

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
            JSONText.appendQuoted(member.key, to: &out)
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
