public import Foundation

/// Users and their password hashes.
public protocol UserRepository {
    /// `role` nil makes a platform administrator.
    func create(tenantId: UUID?, email: String, passwordHash: String, role: Role?) throws -> User

    func list(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<User>

    func get(tenantId: UUID, id: UUID) throws -> User?

    /// Removes the user and ends its sessions.
    func delete(tenantId: UUID, id: UUID) throws -> Bool

    /// The live accounts with this e-mail (one per tenant at most), or only the one in the
    /// tenant with `tenantSlug`, with their password hashes, for login (platform scope).
    func findForLogin(email: String, tenantSlug: String?, limit: Int) throws -> [LoginCandidate]

    /// Replaces a live user's password hash and ends its sessions; false when no such user.
    func setPassword(tenantId: UUID?, email: String, passwordHash: String) throws -> Bool
}

/// An account a login may be for: the user, its password hash, and its tenant's slug.
public struct LoginCandidate: Sendable {
    public let user: User
    public let passwordHash: String
    public let tenantSlug: String?

    public init(user: User, passwordHash: String, tenantSlug: String?) {
        self.user = user
        self.passwordHash = passwordHash
        self.tenantSlug = tenantSlug
    }
}
