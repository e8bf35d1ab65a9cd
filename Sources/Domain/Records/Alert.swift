public import Foundation

public struct Alert: Sendable {
    /// What raised an alert: each a value of openapi.yaml's `kind` (a test keeps them equal).
    public enum Kind: String, Sendable, CaseIterable {
        case chargeback
        case circuitOpen = "circuit_open"
        case jobDead = "job_dead"
        case reconciliationDrift = "reconciliation_drift"
        case paymentRequest = "payment_request"
        case invoiceCollection = "invoice_collection"
        case recurringPlan = "recurring_plan"
        /// A fraud or anomaly detector's finding (`FraudDetectors`).
        case fraud
    }

    /// How urgent: from the kind (migration 0036's `clearline_alert_severity`, the one place
    /// it is decided, since alerts are written from SQL too); a route sends its level and above.
    public enum Severity: String, Sendable, CaseIterable, Comparable {
        case info
        case warning
        case critical

        var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public let id: UUID
    public let environment: EnvironmentName
    public let kind: String
    public let severity: Severity
    public let subject: String
    public let message: String
    public let createdAt: Date
    public let acknowledgedAt: Date?
    public let acknowledgedBy: String?
    /// How it was closed when not a plain acknowledgement: `not_fraud`.
    public let resolution: String?

    public init(
        id: UUID, environment: EnvironmentName, kind: String, severity: Severity = .info, subject: String, message: String, createdAt: Date,
        acknowledgedAt: Date?, acknowledgedBy: String?,
        resolution: String? = nil
    ) {
        self.id = id
        self.environment = environment
        self.kind = kind
        self.severity = severity
        self.subject = subject
        self.message = message
        self.createdAt = createdAt
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
        self.resolution = resolution
    }
}
