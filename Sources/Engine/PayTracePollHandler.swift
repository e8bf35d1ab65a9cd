import Foundation
import Connectors
import Domain
import Persistence

/// `paytrace.poll`: reads one PayTrace connection's exports since its cursor, less an overlap
/// (PayTrace filters by whole days, and a transaction can appear late), and stores each
/// transaction once per type (`txn:<id>:<type>`, the key a confirmed Silent Post uses too) and
/// each newly settled batch once (`batch:<number>`, with its transactions) and as a settlement
/// with its lines and expected fees. Events, settlements, the cursor and the next poll commit
/// with the job; a failure leaves the cursor where it was and the job backs off like any other.
struct PayTracePollHandler: JobHandler {
    static let overlap: TimeInterval = 600

    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let connectionId = PollScheduler.connectionId(of: job) else {
            throw PermanentJobFailure("a poll job names no connection")
        }
        let tenantId = job.tenantId, environment = job.environment
        let vault = context.vault
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> (Connection, [String: String], PollCursorStore.Cursor?, FeeSchedule?)? in
            guard let connection = try ConnectionStore.get(tx, tenantId: tenantId, environment: environment, id: connectionId) else { return nil }
            return (
                connection, try ConnectionStore.secrets(tx, vault: vault, connection: connection),
                try PollCursorStore.cursor(tx, tenantId: tenantId, connectionId: connectionId),
                try FeeScheduleStore.get(tx, tenantId: tenantId, connectionId: connectionId)
            )
        }
        // The connection was removed or polling switched off: this poll ends, and no next one.
        guard let (connection, secrets, cursor, schedule) = loaded, connection.flag("poll") else { return .none }
        let client = try PayTraceClient.forConnection(connection, secrets: secrets)
        let now = Date()
        let from = (cursor?.polledUntil ?? now.addingTimeInterval(-86_400)).addingTimeInterval(-Self.overlap)
        // PayTrace filters by UTC day, written MM/DD/YYYY.
        let (start, end) = (Timestamp.usDay(Timestamp.dayText(from))!, Timestamp.usDay(Timestamp.dayText(now))!)
        // With the card's BIN, for fraud detection's card-testing bursts across customers.
        let transactions = try client.exportTransactions(from: start, to: end, includeBin: true)
        let batches = try client.exportBatches(from: start, to: end)
            .filter { $0.number > (cursor?.lastBatchNumber ?? 0) }
        let settled = try client.settledWithBins(batches)
        let interval = connection.text("poll_interval_seconds").flatMap { Int($0) } ?? PollScheduler.defaultInterval
        let events = transactions.map(PayTraceEvents.event) + settled.map(PayTraceEvents.event)
        let lastBatch = max(cursor?.lastBatchNumber ?? 0, batches.map(\.number).max() ?? 0)
        let summary = [
            "request": "transactions/export/by_date_range and batches/export, \(start) to \(end)",
            "response": "\(transactions.count) transaction(s), \(batches.count) newly settled batch(es)",
        ]
        return JobEffects(summary: summary) { tx in
            var new = 0
            for (vendorId, type, body) in events {
                let (_, duplicate) = try EventStore.record(
                    tx,
                    NewEvent(
                        tenantId: tenantId, environment: environment, source: "paytrace",
                        vendorEventId: vendorId, type: type, endpointId: nil, payload: body), firstJob: .eventDispatch)
                if !duplicate { new += 1 }
            }
            // Each newly settled batch is also kept as a settlement, what reconciliation proves.
            for (batch, transactions) in settled {
                try SettlementRecorder.record(
                    tx, tenantId: tenantId, environment: environment, connectionId: connectionId, batch: batch, transactions: transactions, schedule: schedule)
            }
            try PollCursorStore.advance(tx, tenantId: tenantId, connectionId: connectionId, polledUntil: now, lastBatchNumber: lastBatch, newTransactions: new)
            try PollScheduler.scheduleNext(tx, tenantId: tenantId, environment: environment, connectionId: connectionId, after: interval)
        }
    }
}
