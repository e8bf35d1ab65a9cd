public import Foundation

/// Users and their password hashes.
public protocol UserRepository {
    /// `role` nil makes a platform administrator.
    func create(tenantId: UUID?, email: String, passwordHash: String, role: Role?) throws -> User

    func list(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<User>

    func get(tenantId: UUID, id: UUID) throws -> User?

    /// Removes the user and ends its sessions.
    func delete(tenantId: UUID, id: UUID) throws -> Bool

    /// The live user with this e-mail and its password hash, for login (platform scope).
    func findForLogin(email: String) throws -> (user: User, passwordHash: String)?

    /// Replaces a live user's password hash and ends its sessions; false when no such user.
    func setPassword(email: String, passwordHash: String) throws -> Bool
}
