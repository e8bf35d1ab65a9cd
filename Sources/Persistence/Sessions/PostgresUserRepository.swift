import Foundation
import Domain

/// `UserRepository` over `UserStore`, in the session's transaction.
struct PostgresUserRepository: UserRepository {
    let tx: Transaction

    func create(tenantId: UUID?, email: String, passwordHash: String, role: Role?) throws -> User {
        try UserStore.create(tx, tenantId: tenantId, email: email, passwordHash: passwordHash, role: role)
    }

    func list(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<User> {
        try UserStore.list(tx, tenantId: tenantId, after: cursor, limit: limit)
    }

    func get(tenantId: UUID, id: UUID) throws -> User? {
        try UserStore.get(tx, tenantId: tenantId, id: id)
    }

    func delete(tenantId: UUID, id: UUID) throws -> Bool {
        try UserStore.delete(tx, tenantId: tenantId, id: id)
    }

    func findForLogin(email: String, tenantSlug: String?, limit: Int) throws -> [LoginCandidate] {
        try UserStore.findForLogin(tx, email: email, tenantSlug: tenantSlug, limit: limit)
    }

    func setPassword(tenantId: UUID?, email: String, passwordHash: String) throws -> Bool {
        try UserStore.setPassword(tx, tenantId: tenantId, email: email, passwordHash: passwordHash)
    }
}
