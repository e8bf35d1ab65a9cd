import Foundation
import Connectors
import Domain
import Persistence

/// `settlement.post` (`{"settlement_id"}`): journals a settlement's deposit and fees into the
/// environment's Zoho Books on its clearing account, and a fee true-up once a statement differs
/// from the estimate posted. Each journal is posted once: the postings table says what is done,
/// and before writing, Books is searched by the journal's reference, so an attempt whose answer
/// was lost is found rather than posted again.
struct SettlementPostingHandler: JobHandler {
    static let system = "zoho_books"

    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let id = JSONValue(parsing: job.payload)?.object?["settlement_id"]?.string.flatMap(UUID.init(uuidString:)) else {
            throw PermanentJobFailure("a posting job names no settlement")
        }
        let tenantId = job.tenantId, environment = job.environment, vault = context.vault
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> (Settlement, [SettlementPosting], Connection, [String: String])? in
            guard let settlement = try SettlementStore.get(tx, tenantId: tenantId, environment: environment, id: id) else { return nil }
            guard
                let zoho = try ZohoLedgerReader.connection(tx, tenantId: tenantId, environment: environment)
            else {
                throw PermanentJobFailure("this environment has no Zoho Books connection to post settlement \(settlement.batchNumber) into")
            }
            return (
                settlement, try SettlementPostingStore.list(tx, tenantId: tenantId, settlementId: id), zoho,
                try ConnectionStore.secrets(tx, vault: vault, connection: zoho)
            )
        }
        guard let (settlement, postings, connection, secrets) = loaded else { return .none }
        var posted: [SettlementJournals.Kind: Decimal] = [:]
        for posting in postings where posting.system == Self.system { posted[posting.kind] = posting.amount }
        let accounts = SettlementJournals.Accounts(
            clearing: connection.text("clearing_account") ?? "code:1010", bank: connection.text("bank_account") ?? "code:1000",
            fees: connection.text("fees_account") ?? "code:6100")
        let entries = SettlementJournals.entries(settlement, accounts: accounts, posted: posted)
        guard !entries.isEmpty else { return .none }
        let writer = ZohoTargetWriter(clients: try ZohoClients.forConnection(connection, secrets: secrets))
        guard let schema = TargetSchemas.named("zoho_books.journal") else { throw PermanentJobFailure("no journal target") }
        var written: [(SettlementJournals.Entry, String?)] = []
        for entry in entries {
            guard let record = entry.record else {
                written.append((entry, nil))
                continue
            }
            let id = try writer.find(schema, record, key: entry.reference) ?? writer.create(schema, record, key: entry.reference)
            written.append((entry, id))
        }
        let done = written
        let summary = [
            "request": "Zoho Books journals for batch \(settlement.batchNumber)",
            "response": done.map { "\($0.0.kind.rawValue) \($0.1 ?? "(nothing to move)")" }.joined(separator: ", "),
        ]
        return JobEffects(summary: summary) { tx in
            for (entry, journalId) in done {
                try SettlementPostingStore.record(
                    tx, tenantId: tenantId, settlementId: id, system: Self.system, kind: entry.kind, amount: entry.amount, targetId: journalId)
            }
        }
    }
}
