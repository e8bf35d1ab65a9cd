import Foundation

/// Runs a flow's mappings against one record and reports what each step would write, with the
/// target's validation, writing nothing. The same evaluation a worker does, minus the writes.
public struct StepPreview: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// Valid: this is the record the step would send.
        case write
        /// The step's `when` did not hold.
        case skipped
        /// The record breaks the target's schema: held for review (or skipped, per the policy).
        case invalid
        /// The mapping itself failed (a transform, a limit).
        case failed
    }

    public let step: String
    public let target: String
    public let outcome: Outcome
    public let record: JSONValue?
    public let errors: [FieldError]
}

extension FlowDefinition {
    /// Each step's outcome for `record`. Later steps see earlier ones' output under
    /// `$steps.<id>`, with `id` standing for the id the target would return.
    public func preview(
        _ record: JSONValue, lookup: @escaping @Sendable (String, String) -> String? = { target, key in "(\(target) for \(key))" },
        limits: MappingLimits = MappingLimits()
    ) -> [StepPreview] {
        var outputs: [String: JSONValue] = [:]
        var placeholders: Set<String> = []
        var results: [StepPreview] = []
        // What the cross-reference answered stands in for real ids, which are not checked for length.
        let looked = LookedUp()
        let recording: @Sendable (String, String) -> String? = { target, key in
            let found = lookup(target, key)
            if let found { looked.add(found) }
            return found
        }
        for step in steps {
            let inputs = MappingInputs(record: record, steps: outputs, lookup: recording)
            do {
                if let when = step.when, !(try when.holds(inputs, limits: limits)) {
                    results.append(StepPreview(step: step.id, target: step.target.name, outcome: .skipped, record: nil, errors: []))
                    continue
                }
                let output = step.target.coerce(try step.mapping.evaluate(inputs, limits: limits))
                // An earlier step's id is not known before it is written; its stand-in is not checked for length.
                let problems = step.target.validate(Self.replacing(placeholders.union(looked.values), in: output))
                var seen = output.object ?? [:]
                let placeholder = "(id of \(step.id))"
                placeholders.insert(placeholder)
                seen["id"] = .string(placeholder)
                outputs[step.id] = .object(seen)
                results.append(
                    StepPreview(step: step.id, target: step.target.name, outcome: problems.isEmpty ? .write : .invalid, record: output, errors: problems))
            } catch {
                results.append(StepPreview(step: step.id, target: step.target.name, outcome: .failed, record: nil, errors: [error.fieldError]))
            }
        }
        return results
    }

    /// Each fixture's verdict: every expected record written exactly as expected, every other
    /// step skipped.
    public func runFixtures() -> [FixtureResult] {
        fixtures.map { fixture in
            var differences: [FieldError] = []
            for result in preview(fixture.input) {
                let expected = fixture.expected[result.step]
                switch (result.outcome, expected) {
                case (.skipped, nil): continue
                case (.skipped, _?): differences.append(FieldError(field: result.step, message: "was skipped but a record is expected"))
                case (.write, nil): differences.append(FieldError(field: result.step, message: "writes a record but the fixture expects it skipped"))
                case (.write, let expected?):
                    differences += JSONDiff.changes(from: expected, to: result.record ?? .null).map {
                        FieldError(
                            field: "\(result.step).\($0.path)",
                            message: "expected \($0.before.map(Self.show) ?? "nothing"), got \($0.after.map(Self.show) ?? "nothing")")
                    }
                case (.invalid, _), (.failed, _):
                    differences += result.errors.map { FieldError(field: "\(result.step).\($0.field)", message: $0.message) }
                }
            }
            return FixtureResult(name: fixture.name, passed: differences.isEmpty, differences: differences)
        }
    }

    static func replacing(_ placeholders: Set<String>, in value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text) where placeholders.contains(text): .string("1")
        case .array(let items): .array(items.map { replacing(placeholders, in: $0) })
        case .object(let fields): .object(fields.mapValues { replacing(placeholders, in: $0) })
        default: value
        }
    }

    static func show(_ value: JSONValue) -> String {
        value.canonicalText
    }
}

/// The ids a preview's lookups gave, collected across the lookup closure's calls.
final class LookedUp: @unchecked Sendable {
    private let lock = NSLock()
    private var found: Set<String> = []
    func add(_ value: String) { lock.withLock { _ = found.insert(value) } }
    var values: Set<String> { lock.withLock { found } }
}

public struct FixtureResult: Sendable, Equatable, Codable {
    public let name: String
    public let passed: Bool
    public let differences: [FieldError]
}
