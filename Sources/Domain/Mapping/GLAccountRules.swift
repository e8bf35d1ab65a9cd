public import Foundation

/// Picks a general-ledger account by ordered rules on the transaction type, the product category
/// and the amount: the first rule whose every given test holds wins, else the default.
public struct GLAccountRules: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public let transactionTypes: [String]?
        public let categories: [String]?
        /// Inclusive.
        public let minAmount: Decimal?
        /// Exclusive.
        public let maxAmount: Decimal?
        public let account: String
    }

    public let transactionType: MappingNode?
    public let category: MappingNode?
    public let amount: MappingNode?
    public let rules: [Rule]
    public let otherwise: String?

    /// The account for these facts, nil when no rule matches and there is no default.
    func account(type: String?, category: String?, amount: Decimal?) -> String? {
        for rule in rules {
            if let types = rule.transactionTypes, !types.contains(where: { $0.caseInsensitiveCompare(type ?? "") == .orderedSame }) { continue }
            if let categories = rule.categories, !categories.contains(where: { $0.caseInsensitiveCompare(category ?? "") == .orderedSame }) { continue }
            if let min = rule.minAmount { guard let amount, amount >= min else { continue } }
            if let max = rule.maxAmount { guard let amount, amount < max else { continue } }
            return rule.account
        }
        return otherwise
    }
}

/// A decision table: inputs, then rows of one matcher per input and a result; the first row
/// whose matchers all hold gives the value (first-hit policy).
public struct DecisionTable: Sendable, Equatable {
    public enum Matcher: Sendable, Equatable {
        case any
        case equals(JSONValue)
        case test(MappingCondition.Comparison, JSONValue)
        case oneOf([JSONValue])

        func matches(_ value: JSONValue) -> Bool {
            switch self {
            case .any: true
            case .equals(let expected): MappingCondition.holds(.eq, value, expected)
            case .test(let comparison, let operand): MappingCondition.holds(comparison, value, operand)
            case .oneOf(let values): values.contains { MappingCondition.holds(.eq, value, $0) }
            }
        }
    }

    public struct Row: Sendable, Equatable {
        public let matchers: [Matcher]
        public let value: MappingNode
    }

    public let inputs: [MappingNode]
    public let rows: [Row]
    public let otherwise: MappingNode?
}
