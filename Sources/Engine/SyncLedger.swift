import Foundation
import Domain
import Persistence

/// The exactly-once ledger: every write to a target system goes through it. Before writing it
/// looks up the source key in `sync_links` (written before: done); then asks the writer to
/// find the record in the target (written by an attempt whose answer was lost: adopt it); only
/// then creates. The search is spared when the business key it would look for has no intent yet:
/// an intent, committed before every create, shows no attempt wrote under that key before
/// (`SyncIntentStore`). The link is recorded by `record`, in the transaction that completes the
/// step, so a step's effect and its ledger entry commit together or not at all.
struct SyncLedger {
    let database: Database
    let tenantId: UUID
    let environment: EnvironmentName

    /// What a write through the ledger came to.
    enum Entry: Equatable {
        /// The ledger had the key: nothing was written.
        case linked(String)
        /// Found in the target or created now: to be recorded with the step.
        case written(String)
    }

    /// The target id `sourceKey` became, if the ledger has it.
    func lookup(target: String, sourceKey: String) throws -> String? {
        try database.read(.tenant(tenantId)) {
            try SyncLinkStore.lookup($0, tenantId: tenantId, environment: environment, target: target, sourceKey: sourceKey)
        }
    }

    /// Search before create, once the ledger has no entry. `known`: the ledger's answer for this
    /// key, read already (with the step's run), when there is one. `eventReceivedAt`: when the
    /// step's event arrived; one from before intents were kept is always searched for. `begun`:
    /// the intent recorded already for a search key (with the step's run), when there is one.
    func write(
        _ schema: TargetSchema, _ record: JSONValue, key: String, known: String?? = nil, eventReceivedAt: Date,
        begun: (String) -> Bool? = { _ in nil }, through writer: () throws -> any TargetWriter
    ) throws -> Entry {
        if let existing = try known ?? lookup(target: schema.name, sourceKey: key) { return .linked(existing) }
        let writer = try writer()
        var first = false
        if let searchKey = writer.searchKey(schema, record) {
            first =
                try begun(searchKey)
                ?? SyncIntentStore.begin(
                    database, tenantId: tenantId, environment: environment, target: schema.name, searchKey: searchKey,
                    eventReceivedAt: eventReceivedAt)
        }
        if !first, let found = try writer.find(schema, record, key: key) { return .written(found) }
        return .written(try writer.create(schema, record, key: key))
    }

    /// Records what a key became, in the step's completing transaction.
    static func record(_ tx: Transaction, _ link: SyncLink) throws {
        try SyncLinkStore.record(tx, link)
    }
}
