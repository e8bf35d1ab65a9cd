public import Foundation
public import Domain

/// People who log in: platform administrators (no tenant) and tenant users.
public enum UserStore {
    static let columns = "id, tenant_id, email, role, created_at"

    /// `role` nil makes a platform administrator.
    public static func create(_ tx: Transaction, tenantId: UUID?, email: String, passwordHash: String, role: Role?) throws -> User {
        guard
            let row = try tx.one(
                """
                INSERT INTO users (tenant_id, email, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING \(columns)
                """, [tenantId, User.normalizeEmail(email), passwordHash, role?.rawValue ?? "platform"])
        else {
            throw PostgresError(kind: .decoding, message: "INSERT returned no row")
        }
        return try decode(row)
    }

    public static func list(_ tx: Transaction, tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<User> {
        try Paging.fetch(
            tx, "SELECT \(columns) FROM users WHERE tenant_id = $1 AND deleted_at IS NULL", [tenantId],
            after: cursor, limit: limit, decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    public static func get(_ tx: Transaction, tenantId: UUID, id: UUID) throws -> User? {
        try tx.one("SELECT \(columns) FROM users WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL", [tenantId, id]).map(decode)
    }

    /// Removes the user and ends its sessions.
    public static func delete(_ tx: Transaction, tenantId: UUID, id: UUID) throws -> Bool {
        let rows = try tx.query("UPDATE users SET deleted_at = now() WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id", [tenantId, id])
        guard !rows.isEmpty else { return false }
        try tx.query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", [id])
        return true
    }

    /// The live user with this e-mail and its password hash, for login (platform scope).
    /// The live accounts with this address, in every tenant (the address is unique within one),
    /// or in the tenant whose slug is `tenantSlug`; platform administrators first, then oldest.
    public static func findForLogin(_ tx: Transaction, email: String, tenantSlug: String?, limit: Int) throws -> [LoginCandidate] {
        try tx.query(
            """
            SELECT u.id, u.tenant_id, u.email, u.role, u.created_at, u.password_hash, t.slug, t.name
            FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id
            WHERE u.email = $1 AND u.deleted_at IS NULL AND (u.tenant_id IS NULL OR t.deleted_at IS NULL)
              AND ($2::text IS NULL OR t.slug = $2)
            ORDER BY u.tenant_id IS NOT NULL, u.created_at, u.id LIMIT $3
            """, [User.normalizeEmail(email), tenantSlug, limit]
        ).map { LoginCandidate(user: try decode($0), passwordHash: try $0.string("password_hash"), tenantSlug: try $0.optionalString("slug")) }
    }

    static func decode(_ row: Row) throws -> User {
        let roleText = try row.string("role")
        let role = roleText == "platform" ? Role.owner : Role(rawValue: roleText)
        guard let role else { throw PostgresError(kind: .decoding, message: "unknown user role") }
        return User(
            id: try row.uuid("id"), tenantId: try row.optionalUUID("tenant_id"), email: try row.string("email"),
            role: role, createdAt: try row.date("created_at"))
    }
}

extension UserStore {
    /// Replaces a live user's password hash and ends its sessions; false when no such user.
    /// Sets the password of the live account with this address in `tenantId` (nil: among the
    /// platform administrators) and ends its sessions; false when there is none.
    public static func setPassword(_ tx: Transaction, tenantId: UUID?, email: String, passwordHash: String) throws -> Bool {
        let rows = try tx.query(
            "UPDATE users SET password_hash = $2 WHERE email = $1 AND tenant_id IS NOT DISTINCT FROM $3 AND deleted_at IS NULL RETURNING id",
            [User.normalizeEmail(email), passwordHash, tenantId])
        guard let id = try rows.first?.uuid("id") else { return false }
        try tx.query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", [id])
        return true
    }
}
