import Foundation

/// Turns a mapping document (JSON, see schemas/mapping.schema.json) into checked expressions.
/// Every refusal names where in the document it is ("fields.total.then[1]") and the rule.
enum MappingParser {
    static let maxDepth = 24
    static let maxFields = 500
    static let maxListLength = 1000
    static let maxTextLength = 10_000

    static let modifiers: Set<String> = ["then", "default"]
    /// Each operator and the other keys it takes.
    static let operators: [String: Set<String>] = [
        "path": [], "const": [], "template": [], "concat": ["separator"], "coalesce": [], "object": [], "list": [],
        "each": ["fields", "map", "where"], "add": ["scale"], "subtract": ["scale"], "multiply": ["scale"], "divide": ["scale"],
        "sum": ["value"], "count": [], "lookup": ["key"], "rules": ["else"], "decide": [], "gl_account": [],
        "allocate": ["ratios", "currency"],
    ]

    static func fail(_ at: String, _ rule: String, _ message: String) -> MappingError {
        MappingError(field: at, rule: rule, message: message)
    }

    static func document(_ source: JSONValue) throws(MappingError) -> [NamedNode] {
        guard case .object(let top) = source else { throw fail("", "document", "a mapping is a JSON object with \"fields\"") }
        for key in top.keys where key != "fields" && key != "description" {
            throw fail(key, "document", "unknown key; a mapping has \"fields\" and an optional \"description\"")
        }
        guard let fields = top["fields"] else { throw fail("fields", "document", "is required") }
        return try named(fields, at: "fields", depth: 1)
    }

    /// An object of output fields, sorted by name so a document has one meaning and one checksum.
    static func named(_ value: JSONValue, at: String, depth: Int) throws(MappingError) -> [NamedNode] {
        guard case .object(let members) = value else { throw fail(at, "fields", "must be an object of output field names to expressions") }
        guard members.count <= maxFields else { throw fail(at, "limits", "at most \(maxFields) fields") }
        var result: [NamedNode] = []
        for (name, child) in members.sorted(by: { $0.key < $1.key }) {
            guard (1...100).contains(name.count), !name.contains("."), !name.contains("[") else {
                throw fail(at, "fields", "\"\(name.prefix(40))\" is not a field name (1 to 100 characters, no \".\" or \"[\")")
            }
            result.append(NamedNode(name: name, node: try node(child, at: "\(at).\(name)", depth: depth + 1)))
        }
        return result
    }

    static func node(_ value: JSONValue, at: String, depth: Int) throws(MappingError) -> MappingNode {
        guard depth <= maxDepth else { throw fail(at, "limits", "nested deeper than \(maxDepth)") }
        switch value {
        case .string(let text): return MappingNode(.path(try path(text, at: at)))
        case .null, .bool, .number: return MappingNode(.constant(value))
        case .array: throw fail(at, "expression", "an array is not an expression; use {\"const\": [...]} or {\"concat\": [...]}")
        case .object(let members):
            let named = members.keys.filter { operators[$0] != nil }
            guard named.count == 1, let op = named.first else {
                throw fail(
                    at, "expression",
                    named.isEmpty
                        ? "needs one operator (\(operators.keys.sorted().joined(separator: ", ")))"
                        : "has several operators (\(named.sorted().joined(separator: ", "))); use one")
            }
            for key in members.keys where key != op && !modifiers.contains(key) && !operators[op]!.contains(key) {
                throw fail("\(at).\(key)", op, "unknown key for \(op)")
            }
            let kind = try self.kind(op, members, at: at, depth: depth)
            let transforms = try members["then"].map { v throws(MappingError) in try self.transforms(v, at: "\(at).then") } ?? []
            if let fallback = members["default"], case .object = fallback { throw fail("\(at).default", "default", "must be a plain value") }
            if let fallback = members["default"], case .array = fallback { throw fail("\(at).default", "default", "must be a plain value") }
            return MappingNode(kind, transforms: transforms, fallback: members["default"])
        }
    }

    static func path(_ value: JSONValue?, at: String) throws(MappingError) -> FieldPath {
        guard let text = value?.string else { throw fail(at, "path", "must be a field path such as \"transaction.amount\"") }
        return try path(text, at: at)
    }

    static func path(_ text: String, at: String) throws(MappingError) -> FieldPath {
        guard let parsed = FieldPath(text) else {
            throw fail(
                at, "path", "\"\(text.prefix(60))\" is not a field path (a.b[0].c, $.x from the event, $steps.<step>.<field>); use {\"const\": ...} for text")
        }
        return parsed
    }

    static func list(_ value: JSONValue?, at: String, rule: String) throws(MappingError) -> [JSONValue] {
        guard let items = value?.array else { throw fail(at, rule, "must be an array") }
        guard items.count <= maxListLength else { throw fail(at, "limits", "at most \(maxListLength) items") }
        return items
    }

    static func nodes(_ value: JSONValue?, at: String, rule: String, depth: Int, count: ClosedRange<Int> = 1...maxListLength) throws(MappingError)
        -> [MappingNode]
    {
        let items = try list(value, at: at, rule: rule)
        guard count.contains(items.count) else { throw fail(at, rule, "needs \(count.lowerBound) to \(count.upperBound) expressions") }
        var result: [MappingNode] = []
        for (index, item) in items.enumerated() { result.append(try node(item, at: "\(at)[\(index)]", depth: depth + 1)) }
        return result
    }

    static func integer(_ value: JSONValue?, at: String, rule: String, range: ClosedRange<Int>) throws(MappingError) -> Int {
        guard case .number(let number)? = value, number.rounded() == number, range.contains(Int(exactly: number) ?? Int.min) else {
            throw fail(at, rule, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(number)
    }

    static func text(_ value: JSONValue?, at: String, rule: String) throws(MappingError) -> String {
        guard let text = value?.string, text.utf8.count <= maxTextLength else { throw fail(at, rule, "must be text (at most \(maxTextLength) bytes)") }
        return text
    }

    static func currency(_ value: JSONValue?, at: String, rule: String) throws(MappingError) -> String {
        guard let code = value?.string, Money.isValidCurrency(code) else { throw fail(at, rule, "must be an ISO 4217 currency code such as \"USD\"") }
        return code
    }
}
