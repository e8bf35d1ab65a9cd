import Foundation

/// The `criteria` of CRM's Search Records API: `(Field:operator:value)`, groups joined by `and`
/// or `or` inside parentheses, e.g. `((Last_Name:starts_with:B)and(Email:equals:b@x.com))`.
/// Operators as Zoho documents them for text, e-mail, phone, picklist, number and date fields:
/// equals, not_equal, starts_with, in, not_in, greater_than, greater_equal, less_than,
/// less_equal, between. A `\` escapes `(`, `)`, `,` and `:` inside a value. Text comparisons
/// are case-insensitive, as Zoho's are.
indirect enum ZohoCRMCriteria: Equatable {
    case condition(field: String, operator: String, values: [String])
    case all([ZohoCRMCriteria])
    case any([ZohoCRMCriteria])

    struct SyntaxError: Error {
        let message: String
    }

    static let operators: Set<String> = [
        "equals", "not_equal", "starts_with", "in", "not_in", "greater_than", "greater_equal", "less_than", "less_equal", "between",
    ]

    static func parse(_ text: String) throws -> ZohoCRMCriteria {
        var parser = Parser(characters: Array(text.trimmingCharacters(in: .whitespaces)))
        let criteria = try parser.group()
        guard parser.atEnd else { throw SyntaxError(message: "unexpected text after the criteria") }
        return criteria
    }

    func matches(_ record: [String: Any]) -> Bool {
        switch self {
        case .all(let parts): return parts.allSatisfy { $0.matches(record) }
        case .any(let parts): return parts.contains { $0.matches(record) }
        case .condition(let field, let op, let values):
            let actual = Self.text(record[field])
            let wanted = values.map { $0.lowercased() }
            switch op {
            case "equals", "in": return wanted.contains(actual)
            case "not_equal", "not_in": return !wanted.contains(actual)
            case "starts_with": return wanted.contains { actual.hasPrefix($0) }
            case "between": return wanted.count == 2 && Self.compare(actual, wanted[0]) >= 0 && Self.compare(actual, wanted[1]) <= 0
            case "greater_than": return Self.compare(actual, wanted[0]) > 0
            case "greater_equal": return Self.compare(actual, wanted[0]) >= 0
            case "less_than": return Self.compare(actual, wanted[0]) < 0
            default: return Self.compare(actual, wanted[0]) <= 0
            }
        }
    }

    /// A field's value as searched: a lookup by its name or id, anything else as lower-case text.
    static func text(_ value: Any?) -> String {
        switch value {
        case let text as String: text.lowercased()
        case let number as NSNumber: number.stringValue
        case let lookup as [String: Any]: text(lookup["name"] ?? lookup["id"])
        default: ""
        }
    }

    /// Numbers compare as numbers; dates (ISO 8601) and text compare as text.
    static func compare(_ a: String, _ b: String) -> Int {
        if let x = Decimal(string: a, locale: Locale(identifier: "en_US_POSIX")), let y = Decimal(string: b, locale: Locale(identifier: "en_US_POSIX")),
            !a.isEmpty, !b.isEmpty
        {
            return x < y ? -1 : (x > y ? 1 : 0)
        }
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    struct Parser {
        let characters: [Character]
        var position = 0

        var atEnd: Bool { position == characters.count }

        /// `( condition )` or `( group (and|or) group … )`.
        mutating func group() throws -> ZohoCRMCriteria {
            try expect("(")
            if peek == "(" {
                var parts = [try group()]
                var joiner: String?
                while peek != ")" {
                    let word = try self.word()
                    guard word == "and" || word == "or", joiner == nil || joiner == word else {
                        throw SyntaxError(message: "groups are joined by one of and/or, not \(word.isEmpty ? "nothing" : word)")
                    }
                    joiner = word
                    parts.append(try group())
                }
                try expect(")")
                return joiner == "or" ? .any(parts) : .all(parts)
            }
            let field = try value(until: ":")
            try expect(":")
            let op = try value(until: ":").lowercased()
            guard !field.isEmpty, ZohoCRMCriteria.operators.contains(op) else { throw SyntaxError(message: "unknown operator \(op)") }
            try expect(":")
            let raw = try value(until: ")")
            try expect(")")
            let values = op == "in" || op == "not_in" || op == "between" ? Self.splitValues(raw) : [raw.replacingOccurrences(of: "\\,", with: ",")]
            return .condition(field: field, operator: op, values: values.map { $0.trimmingCharacters(in: .whitespaces) })
        }

        var peek: Character? { atEnd ? nil : characters[position] }

        mutating func expect(_ character: Character) throws {
            while peek == " " { position += 1 }
            guard peek == character else { throw SyntaxError(message: "expected \(character) at \(position)") }
            position += 1
        }

        mutating func word() throws -> String {
            var word = ""
            while let c = peek, c.isLetter {
                word.append(c)
                position += 1
            }
            return word.lowercased()
        }

        /// Text up to an unescaped `stop`, with escapes kept for `splitValues` (commas) and
        /// removed for the others.
        mutating func value(until stop: Character) throws -> String {
            var text = ""
            while let c = peek, c != stop {
                if c == "\\", position + 1 < characters.count {
                    let next = characters[position + 1]
                    text += next == "," ? "\\," : String(next)
                    position += 2
                    continue
                }
                if c == "(" || (stop != ")" && c == ")") { throw SyntaxError(message: "unbalanced parenthesis at \(position)") }
                text.append(c)
                position += 1
            }
            guard peek == stop else { throw SyntaxError(message: "expected \(stop)") }
            return text
        }

        static func splitValues(_ text: String) -> [String] {
            var values: [String] = [], current = "", escaped = false
            for c in text {
                if escaped {
                    current.append(c)
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "," {
                    values.append(current)
                    current = ""
                } else {
                    current.append(c)
                }
            }
            return values + [current]
        }
    }
}
