public import Foundation

/// One of a tenant's dev, qa and prod environments.
public struct Environment: Sendable, Equatable {
    public var id: UUID
    public var tenantId: UUID
    public var name: EnvironmentName
    public var createdAt: Date

    public init(id: UUID, tenantId: UUID, name: EnvironmentName, createdAt: Date) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.createdAt = createdAt
    }
}
