import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/fraud-settings`: each fraud detector on or
/// off, with its thresholds. A change names only what it changes (`{"velocity": {"per_hour": 20}}`)
/// and applies to transactions judged from then on.
enum FraudSettingsRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/fraud-settings"

    static let endpoints: [Endpoint] = [
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (settings, at, by) = try context.tenantTransaction { try $0.fraudSettings.get(tenantId: tenantId, environment: environment) }
            return context.json(FraudSettingsBody(settings, updatedAt: at, updatedBy: by))
        },
        Endpoint("PATCH", base, access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            var input = try JSONInput(context.request, allowed: Set(FraudSettings.detectors))
            var changes: [String: JSONValue] = [:]
            for detector in FraudSettings.detectors { if let value = input.value(detector) { changes[detector] = value } }
            let result = try context.tenantTransaction { tx -> (FraudSettings, Date?, String?) in
                let (current, _, _) = try tx.fraudSettings.get(tenantId: tenantId, environment: environment)
                let (changed, errors) = current.changed(by: changes)
                for error in errors { input.add(error) }
                try input.validate()
                try tx.fraudSettings.save(tenantId: tenantId, environment: environment, changed, by: context.actor)
                try context.audit(
                    tx, tenantId: tenantId, action: "fraud_settings.updated", targetType: "environment", targetId: environment.rawValue,
                    details: ["detectors": changes.keys.sorted().joined(separator: ", ")])
                return try tx.fraudSettings.get(tenantId: tenantId, environment: environment)
            }
            return context.json(FraudSettingsBody(result.0, updatedAt: result.1, updatedBy: result.2))
        },
    ]
}

struct FraudSettingsBody: Encodable {
    let detectors: JSONValue
    let updatedAt: Date?
    let updatedBy: String?

    init(_ settings: FraudSettings, updatedAt: Date?, updatedBy: String?) {
        detectors = settings.json
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}
