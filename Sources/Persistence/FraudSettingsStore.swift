public import Foundation
public import Domain

/// The fraud detectors' settings of a tenant's environment (migration 0037), and the "not fraud"
/// verdicts that quiet a detector for one cause.
public enum FraudSettingsStore {
    /// The stored settings, or the defaults, and when and by whom they were last changed.
    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName) throws -> (FraudSettings, Date?, String?) {
        guard
            let row = try tx.one(
                "SELECT settings::text AS settings, updated_at, updated_by FROM fraud_settings WHERE tenant_id = $1 AND environment = $2",
                [tenantId, environment.rawValue])
        else { return (FraudSettings(), nil, nil) }
        guard case .object(let object)? = JSONValue(parsing: try row.string("settings")) else { return (FraudSettings(), nil, nil) }
        return (FraudSettings.stored(object), try row.optionalDate("updated_at"), row.optionalString("updated_by"))
    }

    public static func save(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, _ settings: FraudSettings, by actor: String) throws {
        try tx.query(
            """
            INSERT INTO fraud_settings (tenant_id, environment, settings, updated_by) VALUES ($1, $2, $3::jsonb, $4)
            ON CONFLICT (tenant_id, environment) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now(), updated_by = EXCLUDED.updated_by
            """, [tenantId, environment.rawValue, settings.json.canonicalText, actor])
    }

    /// Closes the incident's open fraud alerts as not fraud and quiets each one's detector and
    /// cause for `quietDays`; returns how many alerts.
    public static func markNotFraud(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, incident key: String, quietDays: Int, by actor: String)
        throws -> Int
    {
        try tx.query(
            """
            WITH marked AS (
              UPDATE alerts SET acknowledged_at = now(), acknowledged_by = $4, resolution = 'not_fraud'
              WHERE tenant_id = $1 AND environment = $2 AND kind = 'fraud' AND acknowledged_at IS NULL AND \(AlertStore.incidentKey) = $3
              RETURNING id, subject
            )
            INSERT INTO fraud_verdicts (tenant_id, environment, subject, alert_id, quiet_until, decided_by)
            SELECT $1, $2, subject, id, now() + make_interval(days => $5), $4 FROM marked RETURNING id
            """, [tenantId, environment.rawValue, key, actor, quietDays]
        ).count
    }

    /// Whether a person said the finding `subject` (detector:cause) is not fraud, for a period
    /// that covers `at`.
    public static func isQuieted(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, subject: String, at: Date) throws -> Bool {
        try tx.one(
            "SELECT 1 AS quiet FROM fraud_verdicts WHERE tenant_id = $1 AND environment = $2 AND subject = $3 AND quiet_until > $4 LIMIT 1",
            [tenantId, environment.rawValue, subject, at]) != nil
    }

    /// A chargeback was entered: the environment's chargebacks of the 30 days up to `at` are set
    /// against its approved sales of the same days (as the detectors observed them); one alert
    /// while the ratio stays high (`RateSpikes.chargebackRatio`).
    public static func judgeChargebackRatio(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, at: Date) throws {
        let (settings, _, _) = try get(tx, tenantId: tenantId, environment: environment)
        guard settings.enabled("chargeback_ratio") else { return }
        let since = at.addingTimeInterval(-RateSpikes.chargebackWindow)
        guard
            let row = try tx.one(
                """
                SELECT (SELECT count(*)::int FROM disputes WHERE tenant_id = $1 AND environment = $2 AND received_at > $3 AND received_at <= $4) AS chargebacks,
                  (SELECT count(*)::int FROM payment_observations WHERE tenant_id = $1 AND environment = $2 AND kind = 'sale' AND NOT declined
                     AND observed_at > $3 AND observed_at <= $4) AS sales
                """, [tenantId, environment.rawValue, since, at]),
            let finding = RateSpikes.chargebackRatio(chargebacks: try row.int("chargebacks"), sales: try row.int("sales"), settings: settings)
        else { return }
        try raise(tx, tenantId: tenantId, environment: environment, finding, at: at)
    }

    /// A detector's finding as an alert (kind `fraud`, subject `detector:cause`, one open at a
    /// time), unless a person judged that cause not fraud for a period covering `at`. The evidence
    /// is named under `evidenceLabel` when there is one to name.
    public static func raise(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, _ finding: FraudDetectors.Finding, at: Date, evidenceLabel: String? = nil
    ) throws {
        let subject = "\(finding.detector):\(finding.cause)"
        guard try !isQuieted(tx, tenantId: tenantId, environment: environment, subject: subject, at: at) else { return }
        var message = "\(finding.explanation) Severity \(finding.severity)."
        if let evidenceLabel { message += " \(evidenceLabel): \(finding.evidence.suffix(60).map(String.init).joined(separator: ", "))." }
        _ = try AlertStore.raise(tx, tenantId: tenantId, environment: environment, kind: .fraud, subject: subject, message: message)
    }
}
