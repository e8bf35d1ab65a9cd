public import Foundation

public struct Dispute: Sendable {
    public let id: UUID
    public let environment: EnvironmentName
    public let chargeback: Chargeback
    public let status: String
    public let enteredVia: String
    public let eventId: UUID
    public let createdAt: Date

    public init(id: UUID, environment: EnvironmentName, chargeback: Chargeback, status: String, enteredVia: String, eventId: UUID, createdAt: Date) {
        self.id = id
        self.environment = environment
        self.chargeback = chargeback
        self.status = status
        self.enteredVia = enteredVia
        self.eventId = eventId
        self.createdAt = createdAt
    }
}
