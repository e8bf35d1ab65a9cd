public import Foundation

/// API keys: tenant keys and platform tokens, stored as hashes.
public protocol APIKeyRepository {
    func createTenantKey(tenantId: UUID, name: String, role: Role, createdBy: String) throws -> CreatedAPIKey

    /// A platform-administrator token (no tenant); printed by `clearline admin create-token`.
    func createPlatformToken(name: String, createdBy: String) throws -> (id: UUID, token: String)

    func list(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<APIKey>

    func get(tenantId: UUID, id: UUID) throws -> APIKey?

    func revoke(tenantId: UUID, id: UUID) throws -> Bool
}
