public import Foundation

/// Whose jobs a worker pool or the queue's housekeeping touches: every tenant's (a process in
/// production), or only some (pools that run side by side in one test process, which must never
/// claim, reap or purge each other's rows).
public enum TenantScope: Sendable, Equatable {
    case all
    case only(Set<UUID>)

    public static func only(_ tenant: UUID) -> TenantScope { .only([tenant]) }

    /// The tenants, or nil for all (a `uuid[]` parameter that SQL reads as "no filter").
    public var tenantIds: [UUID]? {
        switch self {
        case .all: nil
        case .only(let ids): ids.sorted { $0.uuidString < $1.uuidString }
        }
    }

    public func contains(_ tenant: UUID) -> Bool {
        switch self {
        case .all: true
        case .only(let ids): ids.contains(tenant)
        }
    }
}
