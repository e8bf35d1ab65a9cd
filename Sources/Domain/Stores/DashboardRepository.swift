public import Foundation

/// The dashboard's figures, read from what the database holds: events, runs, jobs, dead
/// letters, breakers and the vendor-call counts.
public protocol DashboardRepository {
    func figures(tenantId: UUID, environment: EnvironmentName, window: DashboardWindow) throws -> DashboardFigures

    /// What each of `connections` last did.
    func activity(tenantId: UUID, connections: [Connection]) throws -> [UUID: ConnectionActivity]

    /// Each of `tenantIds` at a glance (platform scope).
    func tenantHealth(tenantIds: [UUID]) throws -> [UUID: TenantHealth]
}
