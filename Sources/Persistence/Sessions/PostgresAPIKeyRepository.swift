import Foundation
import Domain

/// `APIKeyRepository` over `APIKeyStore`, in the session's transaction.
struct PostgresAPIKeyRepository: APIKeyRepository {
    let tx: Transaction

    func createTenantKey(tenantId: UUID, name: String, role: Role, createdBy: String) throws -> CreatedAPIKey {
        try APIKeyStore.createTenantKey(tx, tenantId: tenantId, name: name, role: role, createdBy: createdBy)
    }

    func createPlatformToken(name: String, createdBy: String) throws -> (id: UUID, token: String) {
        try APIKeyStore.createPlatformToken(tx, name: name, createdBy: createdBy)
    }

    func list(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<APIKey> {
        try APIKeyStore.list(tx, tenantId: tenantId, after: cursor, limit: limit)
    }

    func get(tenantId: UUID, id: UUID) throws -> APIKey? {
        try APIKeyStore.get(tx, tenantId: tenantId, id: id)
    }

    func revoke(tenantId: UUID, id: UUID) throws -> Bool {
        try APIKeyStore.revoke(tx, tenantId: tenantId, id: id)
    }
}
