/// A test on a record: comparisons, membership, presence, and their combinations. Conditions
/// choose a flow's events, a step's records, a rule's value and a decision table's row.
public indirect enum MappingCondition: Sendable, Equatable {
    public enum Comparison: String, Sendable, CaseIterable {
        case eq, ne, gt, gte, lt, lte
    }

    case compare(Comparison, MappingNode, MappingNode)
    case isIn(MappingNode, [JSONValue])
    case exists(FieldPath)
    case and([MappingCondition])
    case or([MappingCondition])
    case not(MappingCondition)

    /// Compares decimals as numbers when both sides are numeric, else text; nil when a side is missing.
    static func order(_ left: JSONValue, _ right: JSONValue) -> Int? {
        if let a = MappingValues.decimal(left), let b = MappingValues.decimal(right) {
            return a == b ? 0 : (a < b ? -1 : 1)
        }
        guard let a = MappingValues.text(left), let b = MappingValues.text(right) else { return nil }
        return a == b ? 0 : (a < b ? -1 : 1)
    }

    static func holds(_ comparison: Comparison, _ left: JSONValue, _ right: JSONValue) -> Bool {
        if comparison == .eq || comparison == .ne {
            let equal = left == right || (order(left, right) == 0)
            return comparison == .eq ? equal : !equal
        }
        guard let order = order(left, right) else { return false }
        switch comparison {
        case .gt: return order > 0
        case .gte: return order >= 0
        case .lt: return order < 0
        case .lte: return order <= 0
        case .eq, .ne: return false
        }
    }
}
