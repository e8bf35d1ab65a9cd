import Foundation
import Connectors
import Domain
import Persistence

/// `reconciliation.run` (`{"reconciliation_id"}`): checks a settlement against the environment's
/// Zoho Books: every line matched to the cent, and what the ledger holds that no line explains.
/// Books is read for the week up to the settlement's day (a batch settles sales of the days
/// before it). The findings, the outcome and, on drift, one alert per settlement commit with the
/// job; a second attempt after a finished one changes nothing.
struct ReconciliationHandler: JobHandler {
    static let lookBackDays = 7

    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let id = JSONValue(parsing: job.payload)?.object?["reconciliation_id"]?.string.flatMap(UUID.init(uuidString:)) else {
            throw PermanentJobFailure("a reconciliation job names no reconciliation")
        }
        let tenantId = job.tenantId, environment = job.environment, vault = context.vault
        typealias Loaded = (Reconciliation, Settlement, [SettlementLine], (Connection, [String: String])?, [String: Int])
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> Loaded? in
            guard let reconciliation = try ReconciliationStore.get(tx, tenantId: tenantId, environment: environment, id: id),
                reconciliation.status == .running,
                let settlement = try SettlementStore.get(tx, tenantId: tenantId, environment: environment, id: reconciliation.settlementId)
            else { return nil }
            let lines = try SettlementStore.lines(tx, tenantId: tenantId, settlementId: settlement.id)
            let zoho = try ZohoLedgerReader.connection(tx, tenantId: tenantId, environment: environment)
            let secrets = try zoho.map { ($0, try ConnectionStore.secrets(tx, vault: vault, connection: $0)) }
            // Clearline's own cross-reference: which Books payment each settled sale became.
            let links = try SyncLinkStore.targets(
                tx, tenantId: tenantId, environment: environment, target: "zoho_books.customerpayment",
                sourceKeys: lines.filter { $0.type == "SALE" }.map { "txn:\($0.transactionId)" })
            var paymentLinks: [String: Int] = [:]
            for (key, payment) in links { if let txn = Int(key.dropFirst(4)) { paymentLinks[payment] = txn } }
            return (reconciliation, settlement, lines, secrets, paymentLinks)
        }
        // Finished by an earlier attempt, or its settlement is gone: nothing to do.
        guard let (_, settlement, lines, zoho, paymentLinks) = loaded else { return .none }
        guard let (connection, secrets) = zoho else {
            return JobEffects { tx in
                try ReconciliationStore.fail(
                    tx, tenantId: tenantId, id: id, detail: "This environment has no Zoho Books connection with an organization to reconcile against.")
            }
        }
        let books = try ZohoClients.forConnection(connection, secrets: secrets).books
        let (start, end) = Self.period(endingOn: settlement.settledOn)
        let entries = try ZohoLedgerReader(books: books).entries(from: start, to: end, paymentLinks: paymentLinks)
        let summary = [
            "request": "Zoho Books customer payments and credit notes, \(start) to \(end)",
            "response": "\(entries.count) record(s) against \(lines.count) settled line(s)",
        ]
        return JobEffects(summary: summary) { tx in
            let batchIds = Set(lines.map(\.transactionId))
            let elsewhere = try SettlementStore.settledElsewhere(
                tx, tenantId: tenantId, environment: environment, transactionIds: entries.compactMap(\.transactionId).filter { !batchIds.contains($0) },
                excluding: settlement.id)
            let findings = ReconciliationMatcher.match(system: ZohoLedgerReader.system, lines: lines, entries: entries, settledElsewhere: elsewhere)
            guard try ReconciliationStore.finish(tx, tenantId: tenantId, id: id, systems: [ZohoLedgerReader.system], findings: findings, detail: nil) else {
                return
            }
            let drift = findings.filter(\.isDrift)
            if !drift.isEmpty {
                try AlertStore.raise(
                    tx, tenantId: tenantId, environment: environment, kind: "reconciliation_drift",
                    subject: "settlement:\(settlement.id.uuidString.lowercased())",
                    message: "Batch \(settlement.batchNumber) (\(settlement.settledOn)) does not reconcile: \(drift.count) difference(s) in Zoho Books, "
                        + Self.counts(drift) + ".")
            }
        }
    }

    /// The week up to the settlement's day, as Books' `date_start`/`date_end`.
    static func period(endingOn day: String) -> (String, String) {
        guard let end = Timestamp.day(day) else { return (day, day) }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd"
        return (format.string(from: end.addingTimeInterval(-Double(lookBackDays) * 86_400)), day)
    }

    /// "2 missing, 1 amount_differs".
    static func counts(_ findings: [ReconciliationMatcher.Finding]) -> String {
        Dictionary(grouping: findings, by: \.category).sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.value.count) \($0.key.rawValue.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ")
    }
}
