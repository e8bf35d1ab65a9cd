import Foundation
import Domain

/// `CardRequestRepository` over `CardRequestStore`, in the session's transaction.
struct PostgresCardRequestRepository: CardRequestRepository {
    let tx: Transaction

    func create(
        tenantId: UUID, environment: EnvironmentName, connectionId: UUID, customerId: String, contactConnectionId: UUID, contactId: String,
        secretHash: String, expiresAt: Date
    ) throws -> CardRequest {
        try CardRequestStore.create(
            tx, tenantId: tenantId, environment: environment, connectionId: connectionId, customerId: customerId, contactConnectionId: contactConnectionId,
            contactId: contactId, secretHash: secretHash, expiresAt: expiresAt)
    }

    func get(tenantId: UUID, environment: EnvironmentName?, id: UUID) throws -> CardRequest? {
        try CardRequestStore.get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func list(tenantId: UUID, environment: EnvironmentName, status: CardRequest.Status?, search: String?, after cursor: PageCursor?, limit: Int) throws
        -> Page<CardRequest>
    {
        try CardRequestStore.list(tx, tenantId: tenantId, environment: environment, status: status, search: search, after: cursor, limit: limit)
    }

    func complete(tenantId: UUID, id: UUID, outcome: CardRequest.Outcome, maskedCardNumber: String?, now: Date) throws -> CardRequest? {
        try CardRequestStore.complete(tx, tenantId: tenantId, id: id, outcome: outcome, maskedCardNumber: maskedCardNumber, now: now)
    }

    func cancel(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> CardRequest? {
        try CardRequestStore.cancel(tx, tenantId: tenantId, environment: environment, id: id)
    }
}
