public import Foundation

/// The fraud detectors' settings of an environment, and people's "not fraud" verdicts.
public protocol FraudSettingsRepository {
    /// The settings (the defaults when never changed), when they were changed and by whom.
    func get(tenantId: UUID, environment: EnvironmentName) throws -> (FraudSettings, Date?, String?)

    func save(tenantId: UUID, environment: EnvironmentName, _ settings: FraudSettings, by actor: String) throws

    /// Closes the incident's open fraud alerts as not fraud, quieting each cause for `quietDays`;
    /// returns how many alerts.
    func markNotFraud(tenantId: UUID, environment: EnvironmentName, incident key: String, quietDays: Int, by actor: String) throws -> Int
}
