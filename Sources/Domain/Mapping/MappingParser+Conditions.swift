extension MappingParser {
    /// {"eq": [a, b]}, {"in": [a, [values]]}, {"exists": "path"}, {"and": [...]}, {"or": [...]}, {"not": c}.
    /// Operands are expressions; a plain string operand is a value here, not a path (write
    /// {"path": ...} to read a field), because conditions mostly compare a field with a constant.
    static func condition(_ value: JSONValue, at: String, depth: Int) throws(MappingError) -> MappingCondition {
        guard depth <= maxDepth else { throw fail(at, "limits", "nested deeper than \(maxDepth)") }
        guard case .object(let members) = value, members.count == 1, let (op, operand) = members.first else {
            throw fail(at, "condition", "a condition is an object with one operator: eq, ne, gt, gte, lt, lte, in, exists, and, or, not")
        }
        let here = "\(at).\(op)"
        if let comparison = MappingCondition.Comparison(rawValue: op) {
            guard let pair = operand.array, pair.count == 2 else { throw fail(here, op, "takes two operands: [left, right]") }
            return .compare(comparison, try self.operand(pair[0], at: "\(here)[0]", depth: depth), try self.operand(pair[1], at: "\(here)[1]", depth: depth))
        }
        switch op {
        case "in":
            guard let pair = operand.array, pair.count == 2, case .array(let values) = pair[1] else {
                throw fail(here, op, "takes [expression, [values]]")
            }
            guard values.count <= maxListLength else { throw fail(here, "limits", "at most \(maxListLength) values") }
            return .isIn(try self.operand(pair[0], at: "\(here)[0]", depth: depth), values)
        case "exists": return .exists(try path(operand, at: here))
        case "and", "or":
            let items = try list(operand, at: here, rule: op)
            guard !items.isEmpty else { throw fail(here, op, "needs at least one condition") }
            var conditions: [MappingCondition] = []
            for (index, item) in items.enumerated() { conditions.append(try condition(item, at: "\(here)[\(index)]", depth: depth + 1)) }
            return op == "and" ? .and(conditions) : .or(conditions)
        case "not": return .not(try condition(operand, at: here, depth: depth + 1))
        default: throw fail(here, "condition", "unknown operator \(op)")
        }
    }

    static func operand(_ value: JSONValue, at: String, depth: Int) throws(MappingError) -> MappingNode {
        if case .object = value { return try node(value, at: at, depth: depth + 1) }
        guard !isComposite(value) else { throw fail(at, "condition", "an operand is a plain value or an expression object") }
        return MappingNode(.constant(value))
    }
}
