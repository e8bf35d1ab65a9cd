public import Foundation

/// Tenants and their environments.
public protocol TenantRepository {
    /// Creates the tenant with its dev, qa and prod environments.
    func create(name: String, slug: String) throws -> Tenant

    func get(id: UUID) throws -> Tenant?

    func find(slug: String) throws -> Tenant?

    /// `search`: a case-blind part of the name or slug.
    func list(search: String?, after cursor: PageCursor?, limit: Int) throws -> Page<Tenant>

    func update(id: UUID, name: String?, status: Tenant.Status?) throws -> Tenant?

    /// Soft-deletes the tenant, cuts off every way in (keys, users, sessions) and destroys its data key.
    func delete(id: UUID) throws -> Bool

    func environments(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<Domain.Environment>
}
