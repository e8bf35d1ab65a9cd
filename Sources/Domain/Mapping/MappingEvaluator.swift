import Foundation

/// Bounds on one evaluation, so a hostile or careless mapping cannot hang a worker or fill its
/// memory: steps taken, wall time, size of the output, elements per `each`, recursion.
public struct MappingLimits: Sendable {
    public var maxOperations = 200_000
    public var maxOutputBytes = 1 << 20
    public var maxItems = 10_000
    public var maxDepth = 64
    public var timeLimit: Duration = .seconds(1)

    public init() {}
}

/// What a mapping reads besides the record: earlier steps' output, and the cross-reference of
/// records already synced (target record name, source key → target id).
public struct MappingInputs: Sendable {
    public var record: JSONValue
    public var steps: JSONValue
    public var lookup: @Sendable (_ target: String, _ key: String) -> String?

    public init(record: JSONValue, steps: [String: JSONValue] = [:], lookup: @escaping @Sendable (String, String) -> String? = { _, _ in nil }) {
        self.record = record
        self.steps = .object(steps)
        self.lookup = lookup
    }
}

extension MappingDocument {
    /// The output record; errors name the output field and the rule.
    public func evaluate(_ inputs: MappingInputs, limits: MappingLimits = MappingLimits()) throws(MappingError) -> JSONValue {
        let evaluation = MappingEvaluation(inputs: inputs, limits: limits)
        let output = try evaluation.object(fields, scope: inputs.record, at: "", depth: 0)
        guard MappingValues.size(output) <= limits.maxOutputBytes else {
            throw MappingError(field: "", rule: "limits", message: "the output is larger than \(limits.maxOutputBytes) bytes")
        }
        return output
    }
}

extension MappingDocument {
    /// The output record's fields named in `names` only, the others not evaluated (a step's
    /// business key worked out ahead of its record).
    public func evaluate(only names: Set<String>, _ inputs: MappingInputs, limits: MappingLimits = MappingLimits()) throws(MappingError) -> JSONValue {
        try MappingEvaluation(inputs: inputs, limits: limits).object(fields.filter { names.contains($0.name) }, scope: inputs.record, at: "", depth: 0)
    }
}

extension MappingNode {
    /// The expression's value for the record (a step's cross-reference key, say).
    public func evaluate(_ inputs: MappingInputs, limits: MappingLimits = MappingLimits()) throws(MappingError) -> JSONValue {
        try MappingEvaluation(inputs: inputs, limits: limits).value(self, scope: inputs.record, at: "key", depth: 0)
    }
}

extension MappingCondition {
    /// Whether the record satisfies the condition (a flow's trigger, a step's `when`).
    public func holds(_ inputs: MappingInputs, limits: MappingLimits = MappingLimits()) throws(MappingError) -> Bool {
        try MappingEvaluation(inputs: inputs, limits: limits).test(self, scope: inputs.record, at: "condition", depth: 0)
    }
}

final class MappingEvaluation {
    let inputs: MappingInputs
    let limits: MappingLimits
    let deadline: ContinuousClock.Instant
    var operations = 0

    init(inputs: MappingInputs, limits: MappingLimits) {
        self.inputs = inputs
        self.limits = limits
        self.deadline = .now.advanced(by: limits.timeLimit)
    }

    func fail(_ at: String, _ rule: String, _ message: String) -> MappingError {
        MappingError(field: at, rule: rule, message: message)
    }

    func tick(_ at: String, depth: Int) throws(MappingError) {
        operations += 1
        guard operations <= limits.maxOperations else { throw fail(at, "limits", "more than \(limits.maxOperations) steps") }
        guard depth <= limits.maxDepth else { throw fail(at, "limits", "nested deeper than \(limits.maxDepth)") }
        if operations & 1023 == 0, ContinuousClock.now > deadline { throw fail(at, "limits", "took longer than \(limits.timeLimit)") }
    }

    func object(_ fields: [NamedNode], scope: JSONValue, at: String, depth: Int) throws(MappingError) -> JSONValue {
        var output: [String: JSONValue] = [:]
        for field in fields {
            let value = try value(field.node, scope: scope, at: at.isEmpty ? field.name : "\(at).\(field.name)", depth: depth + 1)
            if case .null = value { continue }
            output[field.name] = value
        }
        return .object(output)
    }

    func read(_ path: FieldPath, scope: JSONValue) -> JSONValue? {
        switch path.anchor {
        case .scope: path.read(scope)
        case .root: path.read(inputs.record)
        case .steps: path.read(inputs.steps)
        }
    }

    func value(_ node: MappingNode, scope: JSONValue, at: String, depth: Int) throws(MappingError) -> JSONValue {
        try tick(at, depth: depth)
        var result = try raw(node.kind, scope: scope, at: at, depth: depth)
        for transform in node.transforms {
            do {
                result = try transform.apply(result)
            } catch {
                throw fail(at, transform.name, error.message)
            }
        }
        if MappingValues.isMissing(result), let fallback = node.fallback { result = fallback }
        return result
    }

    func text(_ parts: [String], at: String) throws(MappingError) -> JSONValue {
        let joined = parts.joined()
        guard joined.utf8.count <= limits.maxOutputBytes else { throw fail(at, "limits", "text longer than \(limits.maxOutputBytes) bytes") }
        return .string(joined)
    }

    func decimal(_ value: JSONValue, at: String, rule: String) throws(MappingError) -> Decimal {
        guard let number = MappingValues.decimal(value) else { throw fail(at, rule, "needs a decimal number, got \(MappingTransform.kind(value))") }
        return number
    }

    func elements(_ path: FieldPath, scope: JSONValue, at: String, rule: String) throws(MappingError) -> [JSONValue] {
        switch read(path, scope: scope) {
        case nil, .null?: return []
        case .array(let items)?:
            guard items.count <= limits.maxItems else { throw fail(at, "limits", "\(path) has more than \(limits.maxItems) elements") }
            return items
        case let other?: throw fail(at, rule, "\(path) must be an array, got \(MappingTransform.kind(other))")
        }
    }
}
