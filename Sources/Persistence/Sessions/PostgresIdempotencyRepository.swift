import Foundation
import Domain

/// `IdempotencyRepository` over `IdempotencyStore`, in the session's transaction.
struct PostgresIdempotencyRepository: IdempotencyRepository {
    let tx: Transaction

    func claim(principal: String, key: String, tenantId: UUID?, method: String, path: String, requestHash: String) throws -> IdempotencyClaim {
        try IdempotencyStore.claim(tx, principal: principal, key: key, tenantId: tenantId, method: method, path: path, requestHash: requestHash)
    }

    func complete(principal: String, key: String, status: Int, body: String, location: String?) throws {
        try IdempotencyStore.complete(tx, principal: principal, key: key, status: status, body: body, location: location)
    }

    func abandon(principal: String, key: String) throws {
        try IdempotencyStore.abandon(tx, principal: principal, key: key)
    }
}
