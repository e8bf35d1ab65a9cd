import Foundation
import Domain

/// `TenantRepository` over `TenantStore`, in the session's transaction.
struct PostgresTenantRepository: TenantRepository {
    let tx: Transaction

    func create(name: String, slug: String) throws -> Tenant {
        try TenantStore.create(tx, name: name, slug: slug)
    }

    func get(id: UUID) throws -> Tenant? {
        try TenantStore.get(tx, id: id)
    }

    func find(slug: String) throws -> Tenant? {
        try TenantStore.find(tx, slug: slug)
    }

    func list(search: String?, after cursor: PageCursor?, limit: Int) throws -> Page<Tenant> {
        try TenantStore.list(tx, search: search, after: cursor, limit: limit)
    }

    func update(id: UUID, name: String?, status: Tenant.Status?) throws -> Tenant? {
        try TenantStore.update(tx, id: id, name: name, status: status)
    }

    func delete(id: UUID) throws -> Bool {
        try TenantStore.delete(tx, id: id)
    }

    func environments(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<Domain.Environment> {
        try TenantStore.environments(tx, tenantId: tenantId, after: cursor, limit: limit)
    }
}
