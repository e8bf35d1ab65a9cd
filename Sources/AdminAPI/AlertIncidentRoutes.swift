import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/alert-incidents`: open alerts grouped by
/// cause, so a failure that killed two hundred jobs is one line, acknowledged with one click.
enum AlertIncidentRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/alert-incidents"

    static let endpoints: [Endpoint] = [
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (_, limit) = try context.pagination()
            let incidents = try context.tenantTransaction { try $0.alerts.incidents(tenantId: tenantId, environment: environment, limit: limit) }
            return context.json(["items": incidents.map(IncidentBody.init)])
        },
        Endpoint("POST", base + "/{incidentKey}/acknowledge", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            guard let key = context.request.pathParameters["incidentKey"], AlertIncident.isValidKey(key) else {
                throw Problem.notFound("No such incident.")
            }
            let count = try context.tenantTransaction { tx -> Int in
                let count = try tx.alerts.acknowledgeIncident(tenantId: tenantId, environment: environment, key: key, by: context.actor)
                guard count > 0 else { throw Problem.notFound("No open alerts of this incident.") }
                try context.audit(
                    tx, tenantId: tenantId, action: "alert.incident_acknowledged", targetType: "incident", targetId: key, details: ["alerts": "\(count)"])
                return count
            }
            return context.json(["acknowledged": count])
        },
        // Fraud incidents only: closed as not fraud, and the detector is quiet for that cause
        // (the customer, or the environment's rates) for `quiet_days` (30 when left out).
        Endpoint("POST", base + "/{incidentKey}/not-fraud", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            guard let key = context.request.pathParameters["incidentKey"], AlertIncident.isValidKey(key) else {
                throw Problem.notFound("No such incident.")
            }
            var quietDays = 30
            if !context.request.body.isEmpty {
                var input = try JSONInput(context.request, allowed: ["quiet_days"])
                quietDays = input.integer("quiet_days", required: false, range: 1...365) ?? quietDays
                try input.validate()
            }
            let count = try context.tenantTransaction { tx -> Int in
                let count = try tx.fraudSettings.markNotFraud(
                    tenantId: tenantId, environment: environment, incident: key, quietDays: quietDays, by: context.actor)
                guard count > 0 else { throw Problem.notFound("No open fraud alerts of this incident.") }
                try context.audit(
                    tx, tenantId: tenantId, action: "alert.incident_not_fraud", targetType: "incident", targetId: key,
                    details: ["alerts": "\(count)", "quiet_days": "\(quietDays)"])
                return count
            }
            return context.json(["marked_not_fraud": count, "quiet_days": quietDays])
        },
    ]
}

struct IncidentBody: Encodable {
    let key: String
    let kind: String
    let summary: String
    let count: Int
    let firstRaisedAt: Date
    let lastRaisedAt: Date

    init(_ incident: AlertIncident) {
        key = incident.key
        kind = incident.kind
        summary = incident.summary
        count = incident.count
        firstRaisedAt = incident.firstRaisedAt
        lastRaisedAt = incident.lastRaisedAt
    }
}
