import Foundation
import Connectors
import Domain
import Persistence

/// `settlement.post` (`{"settlement_id"}`): journals a settlement's deposit and fees into each of
/// the environment's ledgers on its clearing account (Zoho Books, and Sage Pro through the
/// agent), and a fee true-up once a statement differs from the estimate posted. Each journal is
/// posted once per ledger: the postings table says what is done; before writing, Books is searched
/// by the journal's reference, and Pro's command is queued once per reference (the agent's
/// crosswalk answers a repeat with the first entry), so an attempt whose answer was lost is found
/// rather than posted again.
struct SettlementPostingHandler: JobHandler {
    /// One ledger to post into: its accounts and how an entry is written there.
    struct Ledger {
        let system: String
        let accounts: SettlementJournals.Accounts
        let write: (SettlementJournals.Entry) throws -> String?
    }

    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let id = JSONValue(parsing: job.payload)?.object?["settlement_id"]?.string.flatMap(UUID.init(uuidString:)) else {
            throw PermanentJobFailure("a posting job names no settlement")
        }
        let tenantId = job.tenantId, environment = job.environment, vault = context.vault
        typealias Loaded = (Settlement, [SettlementPosting], (Connection, [String: String])?, Connection?)
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> Loaded? in
            guard let settlement = try SettlementStore.get(tx, tenantId: tenantId, environment: environment, id: id) else { return nil }
            let zoho = try ZohoLedgerReader.connection(tx, tenantId: tenantId, environment: environment)
            let sage = try SageAgentCommands.connection(tx, tenantId: tenantId, environment: environment)
            guard zoho != nil || sage != nil else {
                throw PermanentJobFailure("this environment has no Zoho Books or Sage Pro connection to post settlement \(settlement.batchNumber) into")
            }
            return (
                settlement, try SettlementPostingStore.list(tx, tenantId: tenantId, settlementId: id),
                try zoho.map { ($0, try ConnectionStore.secrets(tx, vault: vault, connection: $0)) }, sage
            )
        }
        guard let (settlement, postings, zoho, sage) = loaded else { return .none }
        var ledgers: [Ledger] = []
        if let (connection, secrets) = zoho {
            let writer = ZohoTargetWriter(clients: try ZohoClients.forConnection(connection, secrets: secrets))
            guard let schema = TargetSchemas.named("zoho_books.journal") else { throw PermanentJobFailure("no journal target") }
            ledgers.append(
                Ledger(system: ZohoLedgerReader.system, accounts: Self.accounts(connection, .zohoBooks)) { entry in
                    guard let record = entry.zohoRecord else { return nil }
                    return try writer.find(schema, record, key: entry.reference) ?? writer.create(schema, record, key: entry.reference)
                })
        }
        if let connection = sage {
            let commands = SageAgentCommands(database: context.database, connection: connection)
            ledgers.append(
                Ledger(system: SageLedgerReader.system, accounts: Self.accounts(connection, .sagePro)) { entry in
                    guard let record = entry.sageRecord else { return nil }
                    guard let number = try commands.send(.postJournal, externalId: entry.reference, payload: record)["entry_no"]?.string else {
                        throw PermanentJobFailure("Sage Pro's answer to journal.post had no entry_no")
                    }
                    return number
                })
        }
        var written: [(system: String, entry: SettlementJournals.Entry, id: String?)] = []
        for ledger in ledgers {
            var posted: [SettlementJournals.Kind: Decimal] = [:]
            for posting in postings where posting.system == ledger.system { posted[posting.kind] = posting.amount }
            for entry in SettlementJournals.entries(settlement, accounts: ledger.accounts, posted: posted) {
                written.append((ledger.system, entry, try ledger.write(entry)))
            }
        }
        guard !written.isEmpty else { return .none }
        let done = written
        let summary = [
            "request": "journals for batch \(settlement.batchNumber) in \(ledgers.map(\.system).joined(separator: " and "))",
            "response": done.map { "\($0.system) \($0.entry.kind.rawValue) \($0.id ?? "(nothing to move)")" }.joined(separator: ", "),
        ]
        return JobEffects(summary: summary) { tx in
            for (system, entry, journalId) in done {
                try SettlementPostingStore.record(
                    tx, tenantId: tenantId, settlementId: id, system: system, kind: entry.kind, amount: entry.amount, targetId: journalId)
            }
        }
    }

    /// The connection's own accounts where it names them, else the ledger's defaults.
    static func accounts(_ connection: Connection, _ defaults: SettlementJournals.Accounts) -> SettlementJournals.Accounts {
        SettlementJournals.Accounts(
            clearing: connection.text("clearing_account") ?? defaults.clearing, bank: connection.text("bank_account") ?? defaults.bank,
            fees: connection.text("fees_account") ?? defaults.fees)
    }
}
