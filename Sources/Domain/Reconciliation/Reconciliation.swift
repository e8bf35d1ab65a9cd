public import Foundation

/// One check of a settlement against the merchant's ledgers: queued, then balanced (every line
/// matched, nothing unexplained) or showing drift, each finding kept.
public struct Reconciliation: Sendable, Equatable {
    /// Attempts a reconciliation's or a settlement posting's job gets: each reads or writes two
    /// ledgers over the network, and a vendor having a bad hour should delay it, not kill it.
    public static let jobAttempts = 12

    public enum Status: String, Sendable, Codable, CaseIterable {
        case running, balanced, drift, failed
    }

    public let id: UUID
    public let tenantId: UUID
    public let environment: EnvironmentName
    public let settlementId: UUID
    public let status: Status
    /// The ledgers read (`zoho_books`, `sage_pro`).
    public let systems: [String]
    public let matched: Int
    public let differences: Int
    /// Differences nobody has explained yet.
    public let openDifferences: Int
    public let detail: String?
    public let createdAt: Date
    public let finishedAt: Date?

    public init(
        id: UUID, tenantId: UUID, environment: EnvironmentName, settlementId: UUID, status: Status, systems: [String], matched: Int, differences: Int,
        openDifferences: Int, detail: String?, createdAt: Date, finishedAt: Date?
    ) {
        self.openDifferences = openDifferences
        self.id = id
        self.tenantId = tenantId
        self.environment = environment
        self.settlementId = settlementId
        self.status = status
        self.systems = systems
        self.matched = matched
        self.differences = differences
        self.detail = detail
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}

/// A finding as kept: its place in the reconciliation, and a person's explanation if any.
public struct RecordedFinding: Sendable, Equatable {
    public let position: Int
    public let finding: ReconciliationMatcher.Finding
    public let explanation: String?
    public let explainedBy: String?
    public let explainedAt: Date?

    public init(position: Int, finding: ReconciliationMatcher.Finding, explanation: String?, explainedBy: String?, explainedAt: Date?) {
        self.position = position
        self.finding = finding
        self.explanation = explanation
        self.explainedBy = explainedBy
        self.explainedAt = explainedAt
    }
}
