public import Foundation

/// A tenant's alert routes and the messages sent on them.
public protocol AlertRouteRepository {
    /// `settings` complete (name, the channel's address, severity and the rest); a webhook route's
    /// signing secret is sealed.
    func create(tenantId: UUID, channel: AlertRoute.Channel, _ settings: AlertRouteSettings, signingSecret: String?) throws -> AlertRoute

    func get(tenantId: UUID, id: UUID) throws -> AlertRoute?

    func list(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<AlertRoute>

    func update(tenantId: UUID, id: UUID, _ settings: AlertRouteSettings) throws -> AlertRoute?

    /// True when there was one; its messages go with it.
    func delete(tenantId: UUID, id: UUID) throws -> Bool

    /// The webhook route's signing secret, opened.
    func signingSecret(tenantId: UUID, routeId: UUID) throws -> String?

    /// The route's messages, newest first.
    func notifications(tenantId: UUID, routeId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<AlertNotification>

    /// Records a test message (sent or not) on the route.
    func recordTest(tenantId: UUID, routeId: UUID, id: UUID, error: String?) throws
}
