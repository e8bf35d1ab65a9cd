/// A path into a JSON record: `transaction.line_items[0].amount`. Relative to the record in
/// scope (the event, or the item inside `each`); `$.` starts from the event itself, and
/// `$steps.<step id>.<field>` reads what an earlier step of the flow wrote.
public struct FieldPath: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Anchor: Sendable, Equatable, Hashable { case scope, root, steps }
    public enum Segment: Sendable, Equatable, Hashable {
        case key(String)
        case index(Int)
    }

    public let anchor: Anchor
    public let segments: [Segment]
    public let description: String

    public static let maxLength = 300

    /// Nil when the text is not a path.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= Self.maxLength else { return nil }
        var rest = Substring(text)
        var anchor = Anchor.scope
        if rest == "$" {
            rest = ""
            anchor = .root
        } else if rest.hasPrefix("$steps.") {
            rest = rest.dropFirst(7)
            anchor = .steps
        } else if rest.hasPrefix("$.") {
            rest = rest.dropFirst(2)
            anchor = .root
        } else if rest.hasPrefix("$") {
            return nil
        }
        var segments: [Segment] = []
        var key = ""
        var index = rest.startIndex
        func flush() -> Bool {
            guard !key.isEmpty else { return false }
            segments.append(.key(key))
            key = ""
            return true
        }
        while index < rest.endIndex {
            let character = rest[index]
            switch character {
            case ".":
                if !key.isEmpty { _ = flush() } else if segments.isEmpty || rest[rest.index(before: index)] != "]" { return nil }
                index = rest.index(after: index)
                if index == rest.endIndex { return nil }
            case "[":
                _ = flush()
                guard let close = rest[index...].firstIndex(of: "]"), let number = Int(rest[rest.index(after: index)..<close]), number >= 0 else { return nil }
                segments.append(.index(number))
                index = rest.index(after: close)
                if index < rest.endIndex, rest[index] != ".", rest[index] != "[" { return nil }
            case "]":
                return nil
            default:
                key.append(character)
                index = rest.index(after: index)
            }
        }
        _ = flush()
        if anchor != .root && segments.isEmpty { return nil }
        self.anchor = anchor
        self.segments = segments
        self.description = text
    }

    /// The value at this path under `value`, nil when any step is missing.
    public func read(_ value: JSONValue) -> JSONValue? {
        var current = value
        for segment in segments {
            switch (segment, current) {
            case (.key(let key), .object(let fields)):
                guard let next = fields[key] else { return nil }
                current = next
            case (.index(let position), .array(let items)):
                guard position < items.count else { return nil }
                current = items[position]
            default:
                return nil
            }
        }
        return current
    }
}
