public import Foundation
public import Connectors
public import Domain
public import Persistence

/// `alerts.notify` (`{"route_id"}`): sends the alerts a route owes as one message (a digest when
/// several), and tries the same message again, with backoff, until the receiver takes it. The
/// message and its alerts are fixed in the database before the first attempt, and the receiver
/// sees the same id each time, so a receiver that was down for some attempts gets it once. After
/// the queue's last attempt it is recorded as failed; alerts owed meanwhile go in the next one.
public struct AlertNotificationHandler: JobHandler {
    /// Alerts in one message, at most; more wait for the next.
    static let perMessage = 100
    let delivery: AlertDelivery
    let publicURL: String?

    public init(mailRelay: MailRelay? = nil, publicURL: String? = nil, transport: HTTPTransport = HTTPTransport(timeout: 10, maxBodyBytes: 1 << 20)) {
        delivery = AlertDelivery(mailRelay: mailRelay, transport: transport)
        self.publicURL = publicURL
    }

    struct Loaded {
        let route: AlertRoute
        let notification: AlertNotification
        let alerts: [Alert]
        let tenantName: String
        let signingSecret: String?
    }

    public func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let routeId = Self.routeId(job) else { throw PermanentJobFailure("an alert notification names its route") }
        let (tenantId, environment, vault) = (job.tenantId, job.environment, context.vault)
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> Loaded? in
            guard let route = try AlertRouteStore.get(tx, tenantId: tenantId, id: routeId),
                let (notification, alerts) = try AlertNotificationStore.open(tx, tenantId: tenantId, routeId: routeId, limit: Self.perMessage)
            else { return nil }
            let secret = route.channel == .webhook ? try AlertRouteStore.signingSecret(tx, vault: vault, tenantId: tenantId, routeId: routeId) : nil
            let tenantName = try TenantStore.get(tx, id: tenantId)?.name ?? "your tenant"
            return Loaded(route: route, notification: notification, alerts: alerts, tenantName: tenantName, signingSecret: secret)
        }
        guard let loaded else { return .none }
        let message = AlertMessage(
            id: loaded.notification.id, tenantName: loaded.tenantName, alerts: loaded.alerts,
            consoleURL: Self.alertsPage(publicURL, tenantId: tenantId, environment: loaded.alerts.first?.environment ?? environment))
        do {
            try delivery.send(message, on: loaded.route, signingSecret: loaded.signingSecret, tenantId: tenantId)
        } catch {
            let reason = (error as? ConnectorError)?.message ?? "\(error)"
            try? context.database.transaction(.tenant(tenantId)) { tx in
                try AlertNotificationStore.recordFailure(tx, id: loaded.notification.id, error: reason)
            }
            throw error
        }
        let (gather, notificationId) = (loaded.route.gatherSeconds, loaded.notification.id)
        return JobEffects(summary: ["channel": loaded.route.channel.rawValue, "alerts": String(loaded.alerts.count)]) { tx in
            try AlertNotificationStore.close(
                tx, tenantId: tenantId, environment: environment, routeId: routeId, id: notificationId, sent: true, error: nil, gatherSeconds: gather)
        }
    }

    /// Out of attempts: the message is failed (its reason kept), and alerts owed since go next.
    public func died(_ job: Job, reason: String, _ tx: Transaction) throws {
        guard let routeId = Self.routeId(job), let route = try AlertRouteStore.get(tx, tenantId: job.tenantId, id: routeId) else { return }
        let open = try tx.one(
            "SELECT id FROM alert_notifications WHERE tenant_id = $1 AND route_id = $2 AND status = 'sending' AND NOT test", [job.tenantId, routeId]
        )?.uuid("id")
        try AlertNotificationStore.close(
            tx, tenantId: job.tenantId, environment: job.environment, routeId: routeId, id: open, sent: false, error: reason,
            gatherSeconds: route.gatherSeconds)
    }

    static func routeId(_ job: Job) -> UUID? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(job.payload.utf8)) as? [String: Any], let text = object["route_id"] as? String
        else { return nil }
        return UUID(uuidString: text)
    }

    /// The tenant's alerts in the console, when Clearline knows its public address.
    public static func alertsPage(_ publicURL: String?, tenantId: UUID, environment: EnvironmentName) -> String? {
        guard let publicURL, !publicURL.isEmpty else { return nil }
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return "\(base)/tenant.html?id=\(tenantId.lowercasedText)&view=alerts&env=\(environment.rawValue)"
    }
}
