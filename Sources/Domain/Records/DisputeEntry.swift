public import Foundation

public enum DisputeEntry: Sendable {
    case created(Dispute)
    /// The case was entered before with the same facts.
    case existing(Dispute)
    /// The case was entered before with other facts: an amount or a customer differs.
    case conflicting(Dispute)
}
