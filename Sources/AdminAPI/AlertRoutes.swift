import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/alerts`: what needs a person (a
/// chargeback, a connection whose credentials stopped working), until acknowledged.
enum AlertRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/alerts"

    static let endpoints: [Endpoint] = [
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            var open: Bool?
            if let text = context.request.query["open"] {
                guard text == "true" || text == "false" else { throw Problem.validation([FieldError(field: "open", message: "must be true or false")]) }
                open = text == "true"
            }
            let filter = AlertFilter(
                open: open, kind: try context.choice("kind", as: Alert.Kind.self), minSeverity: try context.choice("severity", as: Alert.Severity.self))
            let page = try context.tenantTransaction {
                try $0.alerts.list(tenantId: tenantId, environment: environment, filter, after: cursor, limit: limit)
            }
            return context.list(page, AlertBody.init)
        },
        Endpoint("POST", base + "/{alertId}/acknowledge", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("alertId", resource: "alert")
            let alert = try context.tenantTransaction { tx -> Alert in
                guard let alert = try tx.alerts.acknowledge(tenantId: tenantId, environment: environment, id: id, by: context.actor) else {
                    throw Problem.notFound("No such alert.")
                }
                try context.audit(
                    tx, tenantId: tenantId, action: "alert.acknowledged", targetType: "alert", targetId: id.lowercasedString, details: ["kind": alert.kind])
                return alert
            }
            return context.json(AlertBody(alert))
        },
    ]
}

struct AlertBody: Encodable {
    let id: String
    let environment: String
    let kind: String
    let severity: String
    let subject: String
    let message: String
    let createdAt: Date
    let acknowledgedAt: Date?
    let acknowledgedBy: String?
    let resolution: String?

    init(_ alert: Alert) {
        id = alert.id.lowercasedString
        environment = alert.environment.rawValue
        kind = alert.kind
        severity = alert.severity.rawValue
        subject = alert.subject
        message = alert.message
        createdAt = alert.createdAt
        acknowledgedAt = alert.acknowledgedAt
        acknowledgedBy = alert.acknowledgedBy
        resolution = alert.resolution
    }
}
