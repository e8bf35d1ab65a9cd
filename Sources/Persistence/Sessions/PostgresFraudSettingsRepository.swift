import Foundation
import Domain

/// `FraudSettingsRepository` over `FraudSettingsStore`, in the session's transaction.
struct PostgresFraudSettingsRepository: FraudSettingsRepository {
    let tx: Transaction

    func get(tenantId: UUID, environment: EnvironmentName) throws -> (FraudSettings, Date?, String?) {
        try FraudSettingsStore.get(tx, tenantId: tenantId, environment: environment)
    }

    func save(tenantId: UUID, environment: EnvironmentName, _ settings: FraudSettings, by actor: String) throws {
        try FraudSettingsStore.save(tx, tenantId: tenantId, environment: environment, settings, by: actor)
    }

    func markNotFraud(tenantId: UUID, environment: EnvironmentName, incident key: String, quietDays: Int, by actor: String) throws -> Int {
        try FraudSettingsStore.markNotFraud(tx, tenantId: tenantId, environment: environment, incident: key, quietDays: quietDays, by: actor)
    }
}
