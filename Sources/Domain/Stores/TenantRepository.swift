public import Foundation

/// Tenants and their environments.
public protocol TenantRepository {
    /// Creates the tenant with its dev, qa and prod environments.
    func create(name: String, slug: String) throws -> Tenant

    func get(id: UUID) throws -> Tenant?

    func find(slug: String) throws -> Tenant?

    func list(after cursor: PageCursor?, limit: Int) throws -> Page<Tenant>

    func update(id: UUID, name: String?, status: Tenant.Status?) throws -> Tenant?

    /// Soft-deletes the tenant, cuts off every way in (keys, users, sessions) and destroys its data key.
    func delete(id: UUID) throws -> Bool

    func environments(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<Domain.Environment>
}
