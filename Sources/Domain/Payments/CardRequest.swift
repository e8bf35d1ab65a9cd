public import Foundation

/// A link a customer opens to put a card on file in PayTrace's vault through PayTrace's hosted
/// fields (the number goes from the customer's browser to PayTrace only). When the card is given,
/// the vault profile `customerId` is created, or updated if PayTrace has it, from the customer's
/// Zoho Books contact. The link's secret is shown once; only its hash is kept.
public struct CardRequest: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        /// Waiting for the customer.
        case open
        /// The card is on file.
        case completed
        /// Withdrawn by the merchant.
        case cancelled
    }

    public enum Outcome: String, Sendable {
        case created, updated
    }

    public let id: UUID
    public let environment: EnvironmentName
    /// The PayTrace connection whose vault keeps the card.
    public let connectionId: UUID
    public let customerId: String
    /// The Zoho connection and Books contact the profile's details come from.
    public let contactConnectionId: UUID
    public let contactId: String
    public let secretHash: String
    public let status: Status
    public let outcome: Outcome?
    public let maskedCardNumber: String?
    public let expiresAt: Date
    public let completedAt: Date?
    public let createdAt: Date
    public let updatedAt: Date

    public init(
        id: UUID, environment: EnvironmentName, connectionId: UUID, customerId: String, contactConnectionId: UUID, contactId: String,
        secretHash: String, status: Status, outcome: Outcome?, maskedCardNumber: String?, expiresAt: Date, completedAt: Date?, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.environment = environment
        self.connectionId = connectionId
        self.customerId = customerId
        self.contactConnectionId = contactConnectionId
        self.contactId = contactId
        self.secretHash = secretHash
        self.status = status
        self.outcome = outcome
        self.maskedCardNumber = maskedCardNumber
        self.expiresAt = expiresAt
        self.completedAt = completedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Open and not past its day: the customer can still give a card.
    public func isUsable(at now: Date) -> Bool { status == .open && expiresAt > now }
}
