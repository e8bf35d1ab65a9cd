import Foundation
import Testing
import Domain
@testable import Engine

/// A step's ledger key guessed before its run is read: from the order-to-cash template's keys,
/// which read only the event, and never for a run this process does not know.
@Suite("Ledger keys guessed before a step's load")
struct StepLedgerGuessTests {
    static let template = FlowTemplate.named("paytrace-zoho-order-to-cash")!

    static func known(payload: JSONValue) throws -> (runId: UUID, definition: FlowDefinition) {
        let definition = try FlowDefinition(template.definition)
        let (runId, flowId, eventId) = (UUID(), UUID(), UUID())
        _ = StepCaches.definition(flowId: flowId, version: 1) { definition }
        _ = StepCaches.event(eventId) { StepCaches.ParsedEvent(record: payload, receivedAt: Date()) }
        StepCaches.remember(run: runId, .init(flowId: flowId, version: 1, eventId: eventId))
        return (runId, definition)
    }

    @Test func theTemplatesKeysAreGuessedFromTheEventAlone() throws {
        let sale: JSONValue = .object([
            "transaction": .object(["transaction_id": .number(4242), "customer_id": .string("acme-1"), "amount": .string("10.00")])
        ])
        let (runId, definition) = try Self.known(payload: sale)
        let ids = definition.steps.map(\.id)
        let (contactAt, invoiceAt) = (try #require(ids.firstIndex(of: "contact")), try #require(ids.firstIndex(of: "invoice")))
        let contact = try #require(StepLedgerGuess(StepJobPayload(runId: runId, position: contactAt)))
        #expect(contact.target == "zoho_books.contact")
        #expect(contact.key == "customer:acme-1")
        let invoice = try #require(StepLedgerGuess(StepJobPayload(runId: runId, position: invoiceAt)))
        #expect(invoice.key == "txn:4242")
        // Its answer stands only for the key and target it was read for.
        var read = invoice
        read.targetId = "460000000274"
        #expect(read.answer(target: "zoho_books.invoice", key: "txn:4242") == .some("460000000274"))
        #expect(read.answer(target: "zoho_books.invoice", key: "txn:4243") == nil)
        #expect(read.answer(target: "zoho_books.salesorder", key: "txn:4242") == nil)
        // Read and not found: an answer all the same (no lookup again), that nothing is linked.
        #expect(invoice.answer(target: "zoho_books.invoice", key: "txn:4242") == .some(nil))
    }

    /// The business key each Zoho Books step's record would be searched by, mapped from the sale
    /// alone, so the write's intent can travel with the step's load; none for a step with a
    /// condition (its record may never be written) or a target Clearline does not search.
    @Test func theSearchKeysOfTheTemplatesBooksStepsAreGuessedFromTheEvent() throws {
        let sale: JSONValue = .object([
            "transaction": .object([
                "transaction_id": .number(4242), "customer_id": .string("acme-1"), "amount": .string("10.00"),
                "invoice_id": .string("INV-77"), "billing_address": .object(["name": .string("Acme Ltd")]),
            ])
        ])
        let (runId, definition) = try Self.known(payload: sale)
        func guess(_ id: String) throws -> StepLedgerGuess {
            let position = try #require(definition.steps.map(\.id).firstIndex(of: id))
            return try #require(StepLedgerGuess(StepJobPayload(runId: runId, position: position)))
        }
        // The template's reference is the invoice's number as PayTrace's invoice id gives it.
        var invoice = try guess("invoice")
        #expect(invoice.searchKey == "reference:77")
        #expect(try guess("salesorder").searchKey == "reference:77")
        #expect(try guess("contact").searchKey == "name:acme ltd")
        #expect(try guess("crm_contact").searchKey == nil)
        #expect(try guess("deal").searchKey == nil)
        // The intent recorded with the run answers for its own search key only.
        invoice.firstIntent = true
        #expect(invoice.intent(searchKey: "reference:77") == true)
        #expect(invoice.intent(searchKey: "reference:78") == nil)
    }

    @Test func nothingIsGuessedForARunNotSeenHereOrAStepPastTheEnd() throws {
        #expect(StepLedgerGuess(StepJobPayload(runId: UUID(), position: 0)) == nil)
        let (runId, definition) = try Self.known(payload: .object([:]))
        #expect(StepLedgerGuess(StepJobPayload(runId: runId, position: definition.steps.count)) == nil)
    }
}
