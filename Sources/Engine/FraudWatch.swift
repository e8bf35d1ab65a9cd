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
        let history = try PaymentObservationStore.history(
            tx, tenantId: tenantId, environment: environment, around: observation, since: observation.at.addingTimeInterval(-FraudDetectors.lookback),
            until: observation.at.addingTimeInterval(FraudDetectors.Settings().testingWindow))
        // The rates are counted only when they could have moved: a declined attempt or a refund.
        var findings = FraudDetectors.findings(for: observation, history: history)
        if observation.declined || observation.kind == .refund {
            findings += RateSpikes.findings(
                for: observation, try PaymentObservationStore.rateCounts(tx, tenantId: tenantId, environment: environment, at: observation.at))
        }
        for finding in findings {
            let evidence = finding.evidence.suffix(60).map(String.init).joined(separator: ", ")
            _ = try AlertStore.raise(
                tx, tenantId: tenantId, environment: environment, kind: .fraud, subject: "\(finding.detector):\(finding.cause)",
                message: "\(finding.explanation) Severity \(finding.severity). PayTrace transactions: \(evidence).")
        }
    }
}
