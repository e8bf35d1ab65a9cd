import Foundation

extension MappingEvaluation {
    func raw(_ kind: MappingNode.Kind, scope: JSONValue, at: String, depth: Int) throws(MappingError) -> JSONValue {
        switch kind {
        case .path(let path): return read(path, scope: scope) ?? .null
        case .constant(let value): return value
        case .template(let parts):
            var pieces: [String] = []
            var holes = 0, filled = 0
            for part in parts {
                switch part {
                case .text(let text): pieces.append(text)
                case .field(let path):
                    holes += 1
                    let value = read(path, scope: scope).flatMap(MappingValues.text) ?? ""
                    if !value.isEmpty { filled += 1 }
                    pieces.append(value)
                }
            }
            // Nothing to fill in: missing, so a default or the next choice of a coalesce applies.
            if holes > 0 && filled == 0 { return .null }
            return try text(pieces, at: at)
        case .concat(let nodes, let separator):
            var pieces: [String] = []
            for (index, node) in nodes.enumerated() {
                let value = try value(node, scope: scope, at: "\(at)[\(index)]", depth: depth + 1)
                if let text = MappingValues.text(value), !text.isEmpty { pieces.append(pieces.isEmpty ? text : separator + text) }
            }
            return try text(pieces, at: at)
        case .coalesce(let nodes):
            for (index, node) in nodes.enumerated() {
                let value = try value(node, scope: scope, at: "\(at)[\(index)]", depth: depth + 1)
                if !MappingValues.isMissing(value) { return value }
            }
            return .null
        case .object(let fields): return try object(fields, scope: scope, at: at, depth: depth)
        case .list(let nodes):
            var items: [JSONValue] = []
            for (index, node) in nodes.enumerated() { items.append(try value(node, scope: scope, at: "\(at)[\(index)]", depth: depth + 1)) }
            return .array(items)
        case .each(let path, let filter, let map):
            var output: [JSONValue] = []
            for item in try elements(path, scope: scope, at: at, rule: "each") {
                let place = "\(at)[\(output.count)]"
                if let filter, !(try test(filter, scope: item, at: place, depth: depth + 1)) { continue }
                output.append(try value(map, scope: item, at: place, depth: depth + 1))
            }
            return .array(output)
        case .arithmetic(let op, let nodes, let scale):
            var numbers: [Decimal] = []
            for (index, node) in nodes.enumerated() {
                let value = try value(node, scope: scope, at: "\(at)[\(index)]", depth: depth + 1)
                if MappingValues.isMissing(value) { return .null }
                numbers.append(try decimal(value, at: at, rule: op.rawValue))
            }
            var result = numbers[0]
            for number in numbers.dropFirst() {
                switch op {
                case .add: result += number
                case .subtract: result -= number
                case .multiply: result *= number
                case .divide:
                    guard number != 0 else { throw fail(at, "divide", "division by zero") }
                    result /= number
                }
            }
            guard result.isFinite else { throw fail(at, op.rawValue, "the result is out of range") }
            return .string(scale.map { MappingValues.fixed(MappingValues.rounded(result, scale: $0, .halfEven), scale: $0) } ?? MappingValues.string(result))
        case .sum(let path, let node):
            var total = Decimal(0)
            for (index, item) in try elements(path, scope: scope, at: at, rule: "sum").enumerated() {
                let value = try value(node, scope: item, at: "\(at)[\(index)]", depth: depth + 1)
                if !MappingValues.isMissing(value) { total += try decimal(value, at: "\(at)[\(index)]", rule: "sum") }
            }
            return .string(MappingValues.string(total))
        case .count(let path): return .number(Double(try elements(path, scope: scope, at: at, rule: "count").count))
        case .lookup(let target, let node):
            let key = try value(node, scope: scope, at: at, depth: depth + 1)
            guard let text = MappingValues.text(key), !text.isEmpty else { return .null }
            return inputs.lookup(target, text).map(JSONValue.string) ?? .null
        case .rules(let rules, let otherwise):
            for (index, rule) in rules.enumerated() where try test(rule.condition, scope: scope, at: "\(at)[\(index)]", depth: depth + 1) {
                return try value(rule.value, scope: scope, at: at, depth: depth + 1)
            }
            return try otherwise.map { node throws(MappingError) in try value(node, scope: scope, at: at, depth: depth + 1) } ?? .null
        case .decide(let table):
            var facts: [JSONValue] = []
            for node in table.inputs { facts.append(try value(node, scope: scope, at: at, depth: depth + 1)) }
            for row in table.rows where zip(row.matchers, facts).allSatisfy({ $0.matches($1) }) {
                return try value(row.value, scope: scope, at: at, depth: depth + 1)
            }
            return try table.otherwise.map { node throws(MappingError) in try value(node, scope: scope, at: at, depth: depth + 1) } ?? .null
        case .glAccount(let rules):
            func fact(_ node: MappingNode?) throws(MappingError) -> JSONValue? {
                try node.map { n throws(MappingError) in try value(n, scope: scope, at: at, depth: depth + 1) }
            }
            let amount = try fact(rules.amount).flatMap(MappingValues.decimal)
            return rules.account(
                type: try fact(rules.transactionType).flatMap(MappingValues.text),
                category: try fact(rules.category).flatMap(MappingValues.text), amount: amount
            ).map(JSONValue.string) ?? .null
        case .allocate(let amountNode, let ratiosNode, let currency):
            let amount = try value(amountNode, scope: scope, at: at, depth: depth + 1)
            if MappingValues.isMissing(amount) { return .null }
            guard case .array(let ratios) = try value(ratiosNode, scope: scope, at: at, depth: depth + 1), !ratios.isEmpty, ratios.count <= limits.maxItems
            else {
                throw fail(at, "allocate", "ratios must give a non-empty array of weights")
            }
            var weights: [Decimal] = []
            for ratio in ratios {
                let weight = try decimal(ratio, at: at, rule: "allocate")
                guard weight >= 0 else { throw fail(at, "allocate", "weights cannot be negative") }
                weights.append(weight)
            }
            let scale = Money.minorUnits(of: currency)
            return .array(
                Allocation.split(try decimal(amount, at: at, rule: "allocate"), weights: weights, scale: scale).map {
                    .string(MappingValues.fixed($0, scale: scale))
                })
        }
    }

    func test(_ condition: MappingCondition, scope: JSONValue, at: String, depth: Int) throws(MappingError) -> Bool {
        try tick(at, depth: depth)
        switch condition {
        case .compare(let comparison, let left, let right):
            let a = try value(left, scope: scope, at: at, depth: depth + 1), b = try value(right, scope: scope, at: at, depth: depth + 1)
            return MappingCondition.holds(comparison, a, b)
        case .isIn(let node, let values):
            let value = try value(node, scope: scope, at: at, depth: depth + 1)
            return values.contains { MappingCondition.holds(.eq, value, $0) }
        case .exists(let path): return !MappingValues.isMissing(read(path, scope: scope))
        case .and(let conditions):
            for condition in conditions where !(try test(condition, scope: scope, at: at, depth: depth + 1)) { return false }
            return true
        case .or(let conditions):
            for condition in conditions where try test(condition, scope: scope, at: at, depth: depth + 1) { return true }
            return false
        case .not(let inner): return !(try test(inner, scope: scope, at: at, depth: depth + 1))
        }
    }
}
