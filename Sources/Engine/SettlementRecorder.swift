import Foundation
import Connectors
import Domain
import Persistence

/// Turns a settled PayTrace batch into a stored settlement: one line per transaction, its brand
/// from the BIN and its expected fee from the connection's fee schedule on the batch's day. The
/// poller records each newly settled batch; a backfill records a range of days. Either way a
/// batch is kept once, and a new one is reconciled against Zoho Books when the environment has it.
enum SettlementRecorder {
    /// PayTrace settles in US dollars (US merchants, reference section 2).
    static let currency = "USD"

    static func lines(_ transactions: [PayTraceExportedTransaction], schedule: FeeSchedule?, day: String) -> [SettlementLine] {
        transactions.map { t in
            // A captured authorization settles as a sale; only a refund takes money back.
            let type = t.type.uppercased() == "REFUND" ? "REFUND" : "SALE"
            let masked = t.maskedCardNumber ?? ""
            let brand = CardBrand(maskedNumber: masked)
            return SettlementLine(
                transactionId: t.transactionId, type: type, amount: abs(t.amount), cardBrand: brand, maskedCardNumber: masked, invoiceId: t.invoiceId,
                customerId: t.customerId, expectedFee: schedule?.fee(amount: abs(t.amount), brand: brand, type: type, day: day) ?? 0,
                createdOn: Self.day(of: t.createdAt))
        }
    }

    /// `yyyy-MM-dd` of PayTrace's "M/D/YYYY h:mm:ss AM" (its day as written: PayTrace's times
    /// carry no zone). Read by hand, not by a DateFormatter: a month's backfill reads thousands.
    static func day(of payTraceTime: String) -> String? { Timestamp.isoDay(fromUS: payTraceTime) }

    @discardableResult
    static func record(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID, batch: PayTraceBatch,
        transactions: [PayTraceExportedTransaction], schedule: FeeSchedule?
    ) throws -> (settlement: Settlement, created: Bool) {
        guard let day = day(of: batch.settledAt) else { throw PermanentJobFailure("batch \(batch.number) has no settlement time PayTrace's way") }
        let recorded = try SettlementStore.record(
            tx, tenantId: tenantId, environment: environment, connectionId: connectionId, batchNumber: batch.number, settledAt: batch.settledAt,
            settledOn: day, currency: currency, lines: lines(transactions, schedule: schedule, day: day))
        if recorded.created {
            try reconcile(tx, recorded.settlement)
            try SettlementWatch.judgeFees(tx, recorded.settlement)
        }
        return recorded
    }

    /// A new settlement is reconciled at once against the environment's ledgers (Zoho Books, Sage
    /// Pro), if it has any: the flows wrote its sales as they happened, so drift shows the day the
    /// batch settles.
    static func reconcile(_ tx: Transaction, _ settlement: Settlement) throws {
        guard
            try ZohoLedgerReader.connection(tx, tenantId: settlement.tenantId, environment: settlement.environment) != nil
                || SageAgentCommands.connection(tx, tenantId: settlement.tenantId, environment: settlement.environment) != nil
        else { return }
        let reconciliation = try ReconciliationStore.start(tx, tenantId: settlement.tenantId, environment: settlement.environment, settlementId: settlement.id)
        try JobQueue.enqueue(
            tx,
            [
                NewJob(
                    tenantId: settlement.tenantId, environment: settlement.environment, kind: .reconciliation,
                    payload: JSONValue.object(["reconciliation_id": .string(reconciliation.id.lowercasedText)]).canonicalText,
                    maxAttempts: Reconciliation.jobAttempts)
            ], skippingConflicts: false)
    }
}
