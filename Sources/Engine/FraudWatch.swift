import Foundation
import Domain
import Persistence

/// Records a PayTrace transaction for the fraud detectors and raises what they find as alerts
/// (kind `fraud`), one per detector and cause while unacknowledged: a burst of fifty card-testing
/// attempts is one incident, not fifty. Each alert says why, and names its evidence.
enum FraudWatch {
    static func judge(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, _ observation: PaymentObservation) throws {
        // One customer's transactions are judged one at a time, whichever process has them: two
        // judged at once in two transactions would each miss the other (a duplicate unseen).
        try PaymentObservationStore.lockCustomer(tx, tenantId: tenantId, environment: environment, observation.customerId)
        guard try PaymentObservationStore.record(tx, tenantId: tenantId, environment: environment, observation) else { return }
        // The tenant's thresholds, and detectors it turned off.
        let (settings, _, _) = try FraudSettingsStore.get(tx, tenantId: tenantId, environment: environment)
        let history = try PaymentObservationStore.history(
            tx, tenantId: tenantId, environment: environment, around: observation, since: observation.at.addingTimeInterval(-FraudDetectors.lookback),
            until: observation.at.addingTimeInterval(max(settings.testingWindow, settings.duplicateWindow, 3_600)))
        // The rates are counted only when they could have moved: a declined attempt or a refund.
        var findings = FraudDetectors.findings(for: observation, history: history, settings: settings)
        // A customer too new to judge against their own charges is judged against the merchant's.
        let customerCharges =
            observation.customerId == nil
            ? 0 : history.filter { $0.kind == .sale && !$0.declined && $0.customerId == observation.customerId && $0.at < observation.at }.count
        if FraudDetectors.needsMerchantAmounts(observation, customerCharges: customerCharges, settings: settings) {
            let merchant = try PaymentObservationStore.merchantAmounts(tx, tenantId: tenantId, environment: environment, before: observation.at)
            if let unusual = FraudDetectors.unusualForMerchant(observation, customerCharges: customerCharges, merchant: merchant, settings: settings) {
                findings.append(unusual)
            }
        }
        // A burst across customers on one card range: its attempts are another customer's history too.
        if let bin = observation.bin, !findings.contains(where: { $0.detector == "card_testing" }) {
            let attempts = try PaymentObservationStore.binAttempts(
                tx, tenantId: tenantId, environment: environment, bin: bin, since: observation.at.addingTimeInterval(-settings.testingWindow),
                until: observation.at.addingTimeInterval(settings.testingWindow))
            if let burst = FraudDetectors.cardTesting(byBin: observation, attempts: attempts, settings: settings) { findings.append(burst) }
        }
        if observation.declined || observation.kind == .refund {
            findings += RateSpikes.findings(
                for: observation, try PaymentObservationStore.rateCounts(tx, tenantId: tenantId, environment: environment, at: observation.at),
                settings: settings)
        }
        for finding in findings {
            try FraudSettingsStore.raise(
                tx, tenantId: tenantId, environment: environment, finding, at: observation.at, evidenceLabel: "PayTrace transactions")
        }
    }
}
