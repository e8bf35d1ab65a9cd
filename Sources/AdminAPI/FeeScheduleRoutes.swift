import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/connections/{connectionId}/fee-schedule`:
/// what the processor charges on a PayTrace connection (percent plus fixed, by card brand and
/// transaction type, with effective days). PayTrace reports no fees; settlements take each
/// line's expected fee from this. Replaced whole by a PUT; a settlement keeps the fees it was
/// recorded with.
enum FeeScheduleRoutes {
    static let path = ConnectionRoutes.base + "/{connectionId}/fee-schedule"

    static let endpoints: [Endpoint] = [
        Endpoint("GET", path, access: .tenant(.viewer)) { context in
            let (tenantId, connectionId) = try connection(context)
            let schedule = try context.tenantTransaction { try $0.settlements.feeSchedule(tenantId: tenantId, connectionId: connectionId) }
            return context.json(schedule?.json ?? FeeSchedule(rules: []).json)
        },
        Endpoint("PUT", path, access: .tenant(.admin)) { context in
            let (tenantId, connectionId) = try connection(context)
            let input = try JSONInput(context.request, allowed: ["rules"])
            try input.validate()
            let (schedule, errors) = FeeSchedule.parse(.object(["rules": input.document("rules") ?? .null]))
            guard let schedule else { throw Problem.validation(errors) }
            try context.tenantTransaction { tx in
                try tx.settlements.setFeeSchedule(tenantId: tenantId, connectionId: connectionId, schedule)
                try context.audit(
                    tx, tenantId: tenantId, action: "fee_schedule.replaced", targetType: "connection", targetId: connectionId.lowercasedString,
                    details: ["rules": String(schedule.rules.count)])
            }
            return context.json(schedule.json)
        },
    ]

    /// The path's tenant and PayTrace connection; 404 for another kind, which has no fees.
    static func connection(_ context: RequestContext) throws -> (UUID, UUID) {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        let id = try context.uuidParameter("connectionId", resource: "connection")
        let found = try context.tenantTransaction { try $0.connections.get(tenantId: tenantId, environment: environment, id: id) }
        guard let found, found.kind == .paytrace else { throw Problem.notFound("No such PayTrace connection; fee schedules belong to PayTrace connections.") }
        return (tenantId, id)
    }
}
