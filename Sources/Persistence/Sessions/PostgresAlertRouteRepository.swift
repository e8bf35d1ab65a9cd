import Foundation
import Domain

/// `AlertRouteRepository` over `AlertRouteStore`, in the session's transaction.
struct PostgresAlertRouteRepository: AlertRouteRepository {
    let tx: Transaction
    let vault: Vault

    func create(tenantId: UUID, channel: AlertRoute.Channel, _ settings: AlertRouteSettings, signingSecret: String?) throws -> AlertRoute {
        try AlertRouteStore.create(tx, vault: vault, tenantId: tenantId, channel: channel, settings, signingSecret: signingSecret)
    }

    func get(tenantId: UUID, id: UUID) throws -> AlertRoute? { try AlertRouteStore.get(tx, tenantId: tenantId, id: id) }

    func list(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<AlertRoute> {
        try AlertRouteStore.list(tx, tenantId: tenantId, after: cursor, limit: limit)
    }

    func update(tenantId: UUID, id: UUID, _ settings: AlertRouteSettings) throws -> AlertRoute? {
        try AlertRouteStore.update(tx, tenantId: tenantId, id: id, settings)
    }

    func delete(tenantId: UUID, id: UUID) throws -> Bool { try AlertRouteStore.delete(tx, tenantId: tenantId, id: id) }

    func signingSecret(tenantId: UUID, routeId: UUID) throws -> String? {
        try AlertRouteStore.signingSecret(tx, vault: vault, tenantId: tenantId, routeId: routeId)
    }

    func notifications(tenantId: UUID, routeId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<AlertNotification> {
        try AlertRouteStore.notifications(tx, tenantId: tenantId, routeId: routeId, after: cursor, limit: limit)
    }

    func recordTest(tenantId: UUID, routeId: UUID, id: UUID, error: String?) throws {
        try AlertRouteStore.recordTest(tx, tenantId: tenantId, routeId: routeId, id: id, error: error)
    }
}
