import Foundation

/// What happens to an event: which events trigger the flow, the ordered steps that each write
/// one target record through a mapping, what to do when a record is invalid or a write fails,
/// and fixtures (sample inputs with expected outputs) that run on publish.
public struct FlowDefinition: Sendable, Equatable {
    public struct Trigger: Sendable, Equatable {
        public let source: String
        /// Empty means every type from the source.
        public let eventTypes: [String]
        public let condition: MappingCondition?
    }

    public struct Step: Sendable, Equatable {
        public let id: String
        public let name: String
        public let target: TargetSchema
        public let when: MappingCondition?
        /// What identifies this step's record in the cross-reference (the PayTrace customer for a
        /// contact, the transaction for an invoice): the same key finds the same target record,
        /// in this run or a later one. Without it: the event and the step.
        public let key: MappingNode?
        public let mapping: MappingDocument
    }

    public struct ErrorPolicy: Sendable, Equatable {
        public let maxAttempts: Int
        /// "hold" keeps an invalid record for review; "skip" moves on to the next step.
        public let onInvalid: String
    }

    public struct Fixture: Sendable, Equatable {
        public let name: String
        public let input: JSONValue
        /// Step id → the record that step must write; a step left out must be skipped.
        public let expected: [String: JSONValue]
    }

    public let trigger: Trigger
    public let steps: [Step]
    public let errorPolicy: ErrorPolicy
    public let fixtures: [Fixture]
    /// The definition as written, for storage, diff and checksum.
    public let source: JSONValue

    public static let maxSteps = 20
    public static let maxFixtures = 50

    /// Parses and checks a definition; every problem is a field error naming its place.
    public init(_ source: JSONValue) throws(DomainError) {
        var reader = FlowReader()
        guard let parsed = reader.definition(source) else { throw DomainError.validation(reader.errors) }
        (trigger, steps, errorPolicy, fixtures) = parsed
        self.source = source
    }

    /// Whether an event of this source and type, with this payload, starts the flow.
    public func matches(source: String, type: String, payload: JSONValue) -> Bool {
        guard source == trigger.source, trigger.eventTypes.isEmpty || trigger.eventTypes.contains(type) else { return false }
        guard let condition = trigger.condition else { return true }
        return (try? condition.holds(MappingInputs(record: payload))) ?? false
    }

    /// The definition's canonical JSON (sorted keys), the text a version's checksum is taken of.
    public var canonicalJSON: [UInt8] { source.canonicalJSON }
}
