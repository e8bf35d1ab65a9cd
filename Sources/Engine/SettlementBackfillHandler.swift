import Foundation
import Connectors
import Domain
import Persistence

/// `settlement.backfill` (`{"connection_id", "from", "to", "reconcile"?}`, days as `yyyy-MM-dd`):
/// reads the PayTrace connection's batches settled in that range and records each as a
/// settlement, all in the job's transaction. Batches already kept are left as they are, so
/// running it again, or over days the poller has read, changes nothing; with `reconcile` (the
/// daily run) those are reconciled again too, as new ones always are. The job's summary says
/// what it found.
struct SettlementBackfillHandler: JobHandler {
    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let payload = JSONValue(parsing: job.payload)?.object, let id = payload["connection_id"]?.string.flatMap(UUID.init(uuidString:)),
            let from = payload["from"]?.string.flatMap(Timestamp.usDay), let to = payload["to"]?.string.flatMap(Timestamp.usDay)
        else {
            throw PermanentJobFailure("a settlement backfill needs connection_id, from and to")
        }
        let tenantId = job.tenantId, environment = job.environment, vault = context.vault
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> (Connection, [String: String], FeeSchedule?)? in
            guard let connection = try ConnectionStore.get(tx, tenantId: tenantId, environment: environment, id: id), connection.kind == .paytrace else {
                return nil
            }
            return (
                connection, try ConnectionStore.secrets(tx, vault: vault, connection: connection),
                try FeeScheduleStore.get(tx, tenantId: tenantId, connectionId: id)
            )
        }
        guard let (connection, secrets, schedule) = loaded else { throw PermanentJobFailure("the PayTrace connection \(id) no longer exists") }
        let reconcileAll = payload["reconcile"] == .bool(true)
        let client = try PayTraceClient.forConnection(connection, secrets: secrets)
        let batches = try client.exportBatches(from: from, to: to)
        let settled = try client.settledWithBins(batches)
        let summary = [
            "request": "batches/export and batches/transaction_list, \(from) to \(to)",
            "response": "\(batches.count) settled batch(es), \(settled.reduce(0) { $0 + $1.1.count }) transaction(s)",
        ]
        return JobEffects(summary: summary) { tx in
            for (batch, transactions) in settled {
                let recorded = try SettlementRecorder.record(
                    tx, tenantId: tenantId, environment: environment, connectionId: id, batch: batch, transactions: transactions, schedule: schedule)
                if reconcileAll && !recorded.created { try SettlementRecorder.reconcile(tx, recorded.settlement) }
            }
            // The daily run reads yesterday whole: a batch it lacks, where one settles every day, is an anomaly.
            if reconcileAll, let day = payload["from"]?.string {
                try SettlementWatch.checkMissingBatch(tx, tenantId: tenantId, environment: environment, connectionId: id, day: day)
            }
        }
    }
}
