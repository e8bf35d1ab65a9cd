public import Foundation

/// A tenant API key. Only a hash of the secret is stored; `prefix` finds the row without scanning.
public struct APIKey: Sendable, Equatable {
    public var id: UUID
    public var tenantId: UUID
    public var name: String
    public var role: Role
    public var prefix: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var createdBy: String

    public init(id: UUID, tenantId: UUID, name: String, role: Role, prefix: String, createdAt: Date, lastUsedAt: Date?, createdBy: String) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.role = role
        self.prefix = prefix
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.createdBy = createdBy
    }
}
