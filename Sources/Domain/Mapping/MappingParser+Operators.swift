import Foundation

extension MappingParser {
    static func kind(_ op: String, _ m: [String: JSONValue], at: String, depth: Int) throws(MappingError) -> MappingNode.Kind {
        let here = "\(at).\(op)"
        switch op {
        case "path": return .path(try path(m[op], at: here))
        case "const": return .constant(m[op]!)
        case "template": return .template(try template(try text(m[op], at: here, rule: op), at: here))
        case "concat":
            let separator = try m["separator"].map { v throws(MappingError) in try text(v, at: "\(at).separator", rule: op) } ?? ""
            return .concat(try nodes(m[op], at: here, rule: op, depth: depth), separator: separator)
        case "coalesce": return .coalesce(try nodes(m[op], at: here, rule: op, depth: depth))
        case "object": return .object(try named(m[op]!, at: here, depth: depth + 1))
        case "list": return .list(try nodes(m[op], at: here, rule: op, depth: depth, count: 0...maxListLength))
        case "each":
            let source = try path(m[op], at: here)
            let filter = try m["where"].map { v throws(MappingError) in try condition(v, at: "\(at).where", depth: depth + 1) }
            switch (m["fields"], m["map"]) {
            case (let fields?, nil): return .each(source, filter: filter, map: MappingNode(.object(try named(fields, at: "\(at).fields", depth: depth + 1))))
            case (nil, let map?): return .each(source, filter: filter, map: try node(map, at: "\(at).map", depth: depth + 1))
            default: throw fail(at, op, "needs either \"fields\" (an object per element) or \"map\" (one expression per element)")
            }
        case "add", "subtract", "multiply", "divide":
            let scale = try m["scale"].map { v throws(MappingError) in try integer(v, at: "\(at).scale", rule: op, range: 0...12) }
            return .arithmetic(MappingNode.ArithmeticOperator(rawValue: op)!, try nodes(m[op], at: here, rule: op, depth: depth, count: 2...100), scale: scale)
        case "sum":
            guard let value = m["value"] else { throw fail(at, op, "needs \"value\": the amount to add up for each element") }
            return .sum(try path(m[op], at: here), value: try node(value, at: "\(at).value", depth: depth + 1))
        case "count": return .count(try path(m[op], at: here))
        case "lookup":
            let target = try text(m[op], at: here, rule: op)
            guard TargetSchemas.named(target) != nil else {
                throw fail(here, op, "\"\(target.prefix(60))\" is not a target record (\(TargetSchemas.all.map(\.name).joined(separator: ", ")))")
            }
            guard let key = m["key"] else { throw fail(at, op, "needs \"key\": the source id to look up") }
            return .lookup(target: target, key: try node(key, at: "\(at).key", depth: depth + 1))
        case "rules":
            var rules: [MappingNode.Rule] = []
            for (index, item) in try list(m[op], at: here, rule: op).enumerated() {
                let place = "\(here)[\(index)]"
                guard case .object(let rule) = item, let test = rule["if"], let value = rule["then"], rule.count == 2 else {
                    throw fail(place, op, "each rule is {\"if\": condition, \"then\": expression}")
                }
                rules.append(
                    .init(condition: try condition(test, at: "\(place).if", depth: depth + 1), value: try node(value, at: "\(place).then", depth: depth + 1)))
            }
            return .rules(rules, otherwise: try m["else"].map { v throws(MappingError) in try node(v, at: "\(at).else", depth: depth + 1) })
        case "decide": return .decide(try decisionTable(m[op]!, at: here, depth: depth + 1))
        case "gl_account": return .glAccount(try glAccount(m[op]!, at: here, depth: depth + 1))
        case "allocate":
            guard let ratios = m["ratios"] else { throw fail(at, op, "needs \"ratios\": an expression giving the weights (an array)") }
            return .allocate(
                amount: try node(m[op]!, at: here, depth: depth + 1), ratios: try node(ratios, at: "\(at).ratios", depth: depth + 1),
                currency: try currency(m["currency"], at: "\(at).currency", rule: op))
        default:
            throw fail(at, "expression", "unknown operator \(op)")
        }
    }

    /// "Order {transaction.invoice_id}": text with `{path}` holes; `{{` and `}}` are braces.
    static func template(_ text: String, at: String) throws(MappingError) -> [MappingNode.TemplatePart] {
        var parts: [MappingNode.TemplatePart] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "{" || character == "}", next < text.endIndex, text[next] == character {
                literal.append(character)
                index = text.index(after: next)
            } else if character == "{" {
                guard let close = text[next...].firstIndex(of: "}") else { throw fail(at, "template", "a \"{\" is never closed") }
                if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
                parts.append(.field(try path(String(text[next..<close]), at: at)))
                index = text.index(after: close)
            } else if character == "}" {
                throw fail(at, "template", "a \"}\" has no \"{\"; write \"}}\" for a brace")
            } else {
                literal.append(character)
                index = next
            }
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        return parts
    }

    static func decisionTable(_ value: JSONValue, at: String, depth: Int) throws(MappingError) -> DecisionTable {
        guard case .object(let table) = value else { throw fail(at, "decide", "must be {\"inputs\": [...], \"rows\": [...], \"else\": ...}") }
        for key in table.keys where !["inputs", "rows", "else"].contains(key) { throw fail("\(at).\(key)", "decide", "unknown key") }
        let inputs = try nodes(table["inputs"], at: "\(at).inputs", rule: "decide", depth: depth, count: 1...20)
        var rows: [DecisionTable.Row] = []
        for (index, item) in try list(table["rows"], at: "\(at).rows", rule: "decide").enumerated() {
            let place = "\(at).rows[\(index)]"
            guard case .object(let row) = item, let when = row["when"]?.array, let then = row["then"], row.count == 2 else {
                throw fail(place, "decide", "each row is {\"when\": [one matcher per input], \"then\": expression}")
            }
            guard when.count == inputs.count else { throw fail(place, "decide", "has \(when.count) matchers for \(inputs.count) inputs") }
            var matchers: [DecisionTable.Matcher] = []
            for (position, matcher) in when.enumerated() { matchers.append(try self.matcher(matcher, at: "\(place).when[\(position)]")) }
            rows.append(.init(matchers: matchers, value: try node(then, at: "\(place).then", depth: depth + 1)))
        }
        let otherwise = try table["else"].map { v throws(MappingError) in try node(v, at: "\(at).else", depth: depth + 1) }
        return DecisionTable(inputs: inputs, rows: rows, otherwise: otherwise)
    }

    /// "-" or null: any value; a plain value: equal to it; {"gt": 100}, {"in": [...]}: a test.
    static func matcher(_ value: JSONValue, at: String) throws(MappingError) -> DecisionTable.Matcher {
        switch value {
        case .null, .string("-"): return .any
        case .object(let test):
            guard test.count == 1, let (op, operand) = test.first else { throw fail(at, "decide", "a test matcher has one operator, such as {\"gt\": 100}") }
            if op == "in" {
                guard case .array(let values) = operand else { throw fail(at, "decide", "\"in\" takes an array of values") }
                return .oneOf(values)
            }
            guard let comparison = MappingCondition.Comparison(rawValue: op), !isComposite(operand) else {
                throw fail(at, "decide", "unknown test \(op); use eq, ne, gt, gte, lt, lte or in with a plain value")
            }
            return .test(comparison, operand)
        case .array: throw fail(at, "decide", "use {\"in\": [...]} to match one of several values")
        default: return .equals(value)
        }
    }

    static func isComposite(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: true
        default: false
        }
    }

    static func glAccount(_ value: JSONValue, at: String, depth: Int) throws(MappingError) -> GLAccountRules {
        guard case .object(let spec) = value else { throw fail(at, "gl_account", "must be an object with \"rules\"") }
        for key in spec.keys where !["transaction_type", "category", "amount", "rules", "default"].contains(key) {
            throw fail("\(at).\(key)", "gl_account", "unknown key")
        }
        func input(_ key: String) throws(MappingError) -> MappingNode? {
            try spec[key].map { v throws(MappingError) in try node(v, at: "\(at).\(key)", depth: depth + 1) }
        }
        var rules: [GLAccountRules.Rule] = []
        for (index, item) in try list(spec["rules"], at: "\(at).rules", rule: "gl_account").enumerated() {
            let place = "\(at).rules[\(index)]"
            guard case .object(let rule) = item else { throw fail(place, "gl_account", "each rule is an object with \"account\"") }
            for key in rule.keys where !["transaction_type", "category", "min_amount", "max_amount", "account"].contains(key) {
                throw fail("\(place).\(key)", "gl_account", "unknown key")
            }
            func strings(_ key: String) throws(MappingError) -> [String]? {
                guard let raw = rule[key] else { return nil }
                if let one = raw.string { return [one] }
                guard let many = raw.array?.compactMap(\.string), many.count == raw.array?.count else {
                    throw fail("\(place).\(key)", "gl_account", "must be text or an array of text")
                }
                return many
            }
            func amount(_ key: String) throws(MappingError) -> Decimal? {
                guard let raw = rule[key] else { return nil }
                guard let number = MappingValues.decimal(raw) else { throw fail("\(place).\(key)", "gl_account", "must be a decimal amount") }
                return number
            }
            guard let account = rule["account"]?.string, (1...40).contains(account.count) else {
                throw fail("\(place).account", "gl_account", "is required: the account number (1 to 40 characters)")
            }
            rules.append(
                .init(
                    transactionTypes: try strings("transaction_type"), categories: try strings("category"),
                    minAmount: try amount("min_amount"), maxAmount: try amount("max_amount"), account: account))
        }
        let otherwise = try spec["default"].map { v throws(MappingError) in try text(v, at: "\(at).default", rule: "gl_account") }
        return GLAccountRules(
            transactionType: try input("transaction_type"), category: try input("category"), amount: try input("amount"),
            rules: rules, otherwise: otherwise)
    }
}
