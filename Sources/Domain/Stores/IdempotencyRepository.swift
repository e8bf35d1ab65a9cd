public import Foundation

/// Outcomes of creating requests that carried an Idempotency-Key.
public protocol IdempotencyRepository {
    func claim(principal: String, key: String, tenantId: UUID?, method: String, path: String, requestHash: String) throws -> IdempotencyClaim

    func complete(principal: String, key: String, status: Int, body: String, location: String?) throws

    /// Forgets a claim whose request failed on the server's side, so the client may retry with the same key.
    func abandon(principal: String, key: String) throws
}
