import Foundation
import Testing
import Domain
import Persistence
import ClearlineTesting
@testable import Engine

/// The ledger's search before a create: spared on the first write under a business key, made
/// whenever a write under that key may have begun before (its intent is recorded), and always
/// for an event received before intents were kept.
@Suite("The exactly-once ledger's search, only where a write may have begun", .requiresDatabase)
struct SyncLedgerTests {
    /// A target that answers as Zoho would, counting what the ledger asked of it.
    final class CountingWriter: TargetWriter, @unchecked Sendable {
        var searches = 0
        var creates = 0
        /// What the target holds already, by business key (written by an attempt whose answer was lost).
        var held: [String: String] = [:]

        func searchKey(_ schema: TargetSchema, _ record: JSONValue) -> String? { record["reference_number"]?.string }

        func find(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String? {
            searches += 1
            return held[record["reference_number"]?.string ?? ""]
        }

        func create(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String {
            creates += 1
            let id = "id-\(creates)"
            held[record["reference_number"]?.string ?? ""] = id
            return id
        }
    }

    static let invoice = TargetSchemas.named("zoho_books.invoice")!

    static func invoice(_ reference: String) -> JSONValue { .object(["reference_number": .string(reference)]) }

    @Test func aFirstWriteCreatesWithoutSearchingAndARetrySearchesFirst() throws {
        let ledger = SyncLedger(database: QueueDatabase.shared, tenantId: try QueueDatabase.tenant(), environment: .dev)
        let writer = CountingWriter()
        let reference = "INV-\(UUID().uuidString.prefix(8))"
        // No link and no intent: nothing of ours can be in the target under this reference.
        #expect(
            try ledger.write(Self.invoice, Self.invoice(reference), key: "txn:1", known: .some(nil), eventReceivedAt: Date()) { writer } == .written("id-1"))
        #expect((writer.searches, writer.creates) == (0, 1))
        // The same key again, its answer lost (no link recorded): the target is searched, and the
        // record found there adopted, not written twice.
        #expect(
            try ledger.write(Self.invoice, Self.invoice(reference), key: "txn:1", known: .some(nil), eventReceivedAt: Date()) { writer } == .written("id-1"))
        #expect((writer.searches, writer.creates) == (1, 1))
        // Another sale naming the same invoice (another key, the same reference): searched too.
        #expect(
            try ledger.write(Self.invoice, Self.invoice(reference), key: "txn:2", known: .some(nil), eventReceivedAt: Date()) { writer } == .written("id-1"))
        #expect((writer.searches, writer.creates) == (2, 1))
    }

    @Test func anEventFromBeforeIntentsWereKeptIsAlwaysSearchedFor() throws {
        let ledger = SyncLedger(database: QueueDatabase.shared, tenantId: try QueueDatabase.tenant(), environment: .dev)
        let writer = CountingWriter()
        let reference = "INV-\(UUID().uuidString.prefix(8))"
        writer.held[reference] = "written-before-the-upgrade"
        let received = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(
            try ledger.write(Self.invoice, Self.invoice(reference), key: "txn:3", known: .some(nil), eventReceivedAt: received) { writer }
                == .written("written-before-the-upgrade"))
        #expect((writer.searches, writer.creates) == (1, 0))
    }

    @Test func aWriterWithoutASearchKeySearchesBeforeEveryCreate() throws {
        struct Unkeyed: TargetWriter {
            let counts: CountingWriter
            func find(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String? { try counts.find(schema, record, key: key) }
            func create(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String { try counts.create(schema, record, key: key) }
        }
        let ledger = SyncLedger(database: QueueDatabase.shared, tenantId: try QueueDatabase.tenant(), environment: .dev)
        let counts = CountingWriter()
        _ = try ledger.write(Self.invoice, Self.invoice("INV-\(UUID().uuidString.prefix(8))"), key: "txn:4", known: .some(nil), eventReceivedAt: Date()) {
            Unkeyed(counts: counts)
        }
        #expect((counts.searches, counts.creates) == (1, 1))
    }

    /// Each tenant's intents are its own: another tenant's first write under the same reference
    /// is a first write still.
    @Test func intentsAreKeptPerTenant() throws {
        let reference = "INV-\(UUID().uuidString.prefix(8))"
        for _ in 0..<2 {
            let ledger = SyncLedger(database: QueueDatabase.shared, tenantId: try QueueDatabase.tenant(), environment: .dev)
            let writer = CountingWriter()
            _ = try ledger.write(Self.invoice, Self.invoice(reference), key: "txn:5", known: .some(nil), eventReceivedAt: Date()) { writer }
            #expect((writer.searches, writer.creates) == (0, 1))
        }
    }
}
