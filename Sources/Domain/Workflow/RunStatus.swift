/// A run of a flow for one event.
public enum RunStatus: String, Sendable, CaseIterable {
    case running, succeeded, failed
    /// A step's record was refused (by its schema or the target's rules) and a person decides.
    case review
}

/// What one step of a run did.
public enum StepStatus: String, Sendable, CaseIterable {
    /// The record was written to the target now.
    case written
    /// The ledger already had the source key: written before, not again.
    case linked
    case skipped
    /// The record failed its target schema, or the target refused it on its own rules.
    case invalid
    case failed

    /// Whether the step's record and target id are there for later steps to map.
    public var produced: Bool { self == .written || self == .linked }
}
