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

    public let id: UUID
    public let environment: EnvironmentName
    public let kind: String
    public let subject: String
    public let message: String
    public let createdAt: Date
    public let acknowledgedAt: Date?
    public let acknowledgedBy: String?

    public init(
        id: UUID, environment: EnvironmentName, kind: String, subject: String, message: String, createdAt: Date, acknowledgedAt: Date?, acknowledgedBy: String?
    ) {
        self.id = id
        self.environment = environment
        self.kind = kind
        self.subject = subject
        self.message = message
        self.createdAt = createdAt
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
    }
}
