public import Foundation

/// Card requests: links for customers to put a card on file through PayTrace's hosted fields.
public protocol CardRequestRepository {
    func create(
        tenantId: UUID, environment: EnvironmentName, connectionId: UUID, customerId: String, contactConnectionId: UUID, contactId: String,
        secretHash: String, expiresAt: Date
    ) throws -> CardRequest

    /// `environment` nil: whichever environment it is in (the customer's link names no environment).
    func get(tenantId: UUID, environment: EnvironmentName?, id: UUID) throws -> CardRequest?

    /// Newest first, narrowed by status and by a search of the customer id.
    func list(tenantId: UUID, environment: EnvironmentName, status: CardRequest.Status?, search: String?, after cursor: PageCursor?, limit: Int) throws
        -> Page<CardRequest>

    /// Open to completed, once; nil when it was not open.
    func complete(tenantId: UUID, id: UUID, outcome: CardRequest.Outcome, maskedCardNumber: String?, now: Date) throws -> CardRequest?

    /// Open to cancelled; nil when it was not open.
    func cancel(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> CardRequest?
}
