import Foundation
import Connectors
import Domain
import Persistence

/// `reconciliation.run` (`{"reconciliation_id"}`): checks a settlement against each of the
/// environment's ledgers, Zoho Books and Sage Pro (through its agent), each against PayTrace and
/// not against the other: every line matched to the cent, and what the ledger holds that no line
/// explains. The ledgers are read from the batch's earliest transaction's day to the settlement's
/// (a batch settles sales of the days before it). The findings, the outcome and, on drift, one alert per settlement
/// commit with the job; a second attempt after a finished one changes nothing.
struct ReconciliationHandler: JobHandler {
    static let lookBackDays = 7
    /// While the flows still write a batch's transactions (a poll that caught up on days at
    /// once), the check waits this long between looks, for at most `patience`.
    static let recheck: TimeInterval = 5
    static let patience: TimeInterval = 3_600

    /// What a run reads before asking the ledgers: the settlement and what Clearline itself wrote.
    struct Loaded {
        let settlement: Settlement
        let lines: [SettlementLine]
        let zoho: (Connection, [String: String])?
        let sage: Connection?
        /// Books payment id → PayTrace transaction id.
        let paymentLinks: [String: Int]
        /// Pro receipt number → PayTrace transaction id.
        let receiptLinks: [String: Int]
        /// The batch's transactions whose flows are still at work.
        let pending: Int
        let startedAt: Date
    }

    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let id = JSONValue(parsing: job.payload)?.object?["reconciliation_id"]?.string.flatMap(UUID.init(uuidString:)) else {
            throw PermanentJobFailure("a reconciliation job names no reconciliation")
        }
        let tenantId = job.tenantId, environment = job.environment, vault = context.vault
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> Loaded? in
            guard let reconciliation = try ReconciliationStore.get(tx, tenantId: tenantId, environment: environment, id: id),
                reconciliation.status == .running,
                let settlement = try SettlementStore.get(tx, tenantId: tenantId, environment: environment, id: reconciliation.settlementId)
            else { return nil }
            let lines = try SettlementStore.lines(tx, tenantId: tenantId, settlementId: settlement.id)
            let zoho = try ZohoLedgerReader.connection(tx, tenantId: tenantId, environment: environment)
            let sales = lines.filter { $0.type == "SALE" }.map(\.transactionId)
            // Clearline's own cross-reference: which Books payment and which Pro receipt each sale became.
            func links(_ target: String, _ key: (Int) -> String) throws -> [String: Int] {
                let keys = Dictionary(sales.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
                var byTarget: [String: Int] = [:]
                for (sourceKey, targetId) in try SyncLinkStore.targets(
                    tx, tenantId: tenantId, environment: environment, target: target, sourceKeys: Array(keys.keys))
                {
                    if let transaction = keys[sourceKey] { byTarget[targetId] = transaction }
                }
                return byTarget
            }
            let pending = try ReconciliationStore.pendingFlowEvents(
                tx, tenantId: tenantId, environment: environment, transactionIds: lines.map(\.transactionId))
            return Loaded(
                settlement: settlement, lines: lines, zoho: try zoho.map { ($0, try ConnectionStore.secrets(tx, vault: vault, connection: $0)) },
                sage: try SageAgentCommands.connection(tx, tenantId: tenantId, environment: environment),
                paymentLinks: try links("zoho_books.customerpayment") { "txn:\($0)" },
                receiptLinks: try links("sage_pro.cash_receipt") { "txn:\($0):cash_receipt" }, pending: pending, startedAt: reconciliation.createdAt)
        }
        // Finished by an earlier attempt, or its settlement is gone: nothing to do.
        guard let loaded else { return .none }
        let settlement = loaded.settlement, lines = loaded.lines
        if loaded.pending > 0, Date().timeIntervalSince(loaded.startedAt) < Self.patience {
            // Looked at again shortly, as a job of its own: the worker is not held meanwhile.
            let pending = loaded.pending
            return JobEffects(summary: ["request": "flows of batch \(settlement.batchNumber)", "response": "\(pending) transaction(s) still being written"]) {
                tx in
                try ReconciliationStore.note(
                    tx, tenantId: tenantId, id: id, detail: "Waiting for the flows to finish writing \(pending) of the batch's transactions.")
                try JobQueue.enqueue(
                    tx,
                    [
                        NewJob(
                            tenantId: tenantId, environment: environment, kind: .reconciliation, payload: job.payload, maxAttempts: Reconciliation.jobAttempts,
                            runAt: Date().addingTimeInterval(Self.recheck))
                    ], skippingConflicts: false)
            }
        }
        guard loaded.zoho != nil || loaded.sage != nil else {
            return JobEffects { tx in
                try ReconciliationStore.fail(
                    tx, tenantId: tenantId, id: id,
                    detail: "This environment has no Zoho Books connection with an organization, and no Sage Pro agent, to reconcile against.")
            }
        }
        let (start, end) = Self.period(settlement, lines: lines)
        var ledgers: [(system: String, entries: [LedgerEntry])] = []
        if let (connection, secrets) = loaded.zoho {
            let books = try ZohoClients.forConnection(connection, secrets: secrets).books
            ledgers.append((ZohoLedgerReader.system, try ZohoLedgerReader(books: books).entries(from: start, to: end, paymentLinks: loaded.paymentLinks)))
        }
        if let connection = loaded.sage {
            let reader = SageLedgerReader(
                commands: SageAgentCommands(database: context.database, connection: connection),
                clearing: SettlementPostingHandler.accounts(connection, .sagePro).clearing)
            ledgers.append(
                (
                    SageLedgerReader.system,
                    try reader.entries(from: start, to: end, readId: "reconciliation:\(id.lowercasedText)", receiptLinks: loaded.receiptLinks)
                ))
        }
        let read = ledgers
        let summary = [
            "request": "\(read.map(\.system).joined(separator: " and ")) payments and refunds, \(start) to \(end)",
            "response": read.map { "\($0.system): \($0.entries.count) record(s)" }.joined(separator: ", ") + " against \(lines.count) settled line(s)",
        ]
        return JobEffects(summary: summary) { tx in
            let batchIds = Set(lines.map(\.transactionId))
            let named = Set(read.flatMap { $0.entries.compactMap(\.transactionId) }).subtracting(batchIds)
            let elsewhere = try SettlementStore.settledElsewhere(
                tx, tenantId: tenantId, environment: environment, transactionIds: Array(named), excluding: settlement.id)
            let findings = read.flatMap { ReconciliationMatcher.match(system: $0.system, lines: lines, entries: $0.entries, settledElsewhere: elsewhere) }
            guard try ReconciliationStore.finish(tx, tenantId: tenantId, id: id, systems: read.map(\.system), findings: findings, detail: nil) else {
                return
            }
            let drift = findings.filter(\.isDrift)
            if !drift.isEmpty {
                let bySystem = Dictionary(grouping: drift, by: \.system).sorted { $0.key < $1.key }.map { "\($0.value.count) in \($0.key)" }
                try AlertStore.raise(
                    tx, tenantId: tenantId, environment: environment, kind: .reconciliationDrift,
                    subject: "settlement:\(settlement.id.lowercasedText)",
                    message: "Batch \(settlement.batchNumber) (\(settlement.settledOn)) does not reconcile: \(drift.count) difference(s) "
                        + "(\(bySystem.joined(separator: ", "))), " + Self.counts(drift) + ".")
            }
        }
    }

    /// The ledgers' `from`/`to`: from the day of the batch's earliest transaction (the flows date
    /// each record by its transaction's day) to the settlement's day; the week up to it for lines
    /// kept without their days.
    static func period(_ settlement: Settlement, lines: [SettlementLine]) -> (String, String) {
        let day = settlement.settledOn
        let days = lines.compactMap(\.createdOn)
        if !lines.isEmpty, days.count == lines.count, let first = days.min() { return (min(first, day), day) }
        guard let end = Timestamp.day(day) else { return (day, day) }
        return (Timestamp.dayText(end.addingTimeInterval(-Double(lookBackDays) * 86_400)), day)
    }

    /// "2 missing, 1 amount_differs".
    static func counts(_ findings: [ReconciliationMatcher.Finding]) -> String {
        Dictionary(grouping: findings, by: \.category).sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.value.count) \($0.key.rawValue.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ")
    }
}
