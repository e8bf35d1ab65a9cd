import Foundation
import Testing
import Connectors
import Sandbox

@Suite("PayTrace transactions against the sandbox emulator")
struct PayTraceTransactionTests {

    @Test func saleApprovalsDeclinesAndValidationErrorsHavePayTracesShapes() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = PayTraceFixtures.client(sandbox)
        let approved = try PayTraceFixtures.sale(client, amount: "49.99")
        #expect(approved.success && approved.responseCode == 101)
        #expect(approved.statusMessage == "Your transaction was successfully approved.")
        let fields = approved.object
        #expect(fields["masked_card_number"] as? String == "xxxxxxxxxxxx5439")
        #expect(Set(fields.keys).isSuperset(of: ["approval_code", "approval_message", "avs_response", "csc_response", "external_transaction_id"]))
        let declined = try PayTraceFixtures.sale(client, amount: "0.29")
        #expect(!declined.success && declined.responseCode == 102 && declined.transactionId != nil, "a decline still gets a transaction id")
        let invalid = #expect(throws: ConnectorError.self) { try PayTraceFixtures.sale(client, amount: "5.00", number: "4012000098765438", month: 13) }
        #expect(invalid?.kind == .permanent)
        #expect(invalid?.message.contains("35") == true && invalid?.message.contains("43") == true)
        #expect(invalid.map { !$0.message.contains("4012000098765438") } == true, "no card number in an error")
    }

    @Test func voidRefundAndSettlementFollowTheStateMachine() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = PayTraceFixtures.client(sandbox)
        let toVoid = try #require(try PayTraceFixtures.sale(client, amount: "10.00").transactionId)
        #expect(try client.void(transactionId: toVoid).responseCode == 109)
        let toRefund = try #require(try PayTraceFixtures.sale(client, amount: "20.00").transactionId)
        let early = #expect(throws: ConnectorError.self) { try client.refund(transactionId: toRefund) }
        #expect(early?.message.contains("817") == true, "only settled transactions can be refunded")
        #expect(try client.call("v1/transactions/settle", [:]).success)
        let late = #expect(throws: ConnectorError.self) { try client.void(transactionId: toRefund) }
        #expect(late?.message.contains("818") == true, "settled transactions cannot be voided")
        #expect(try client.refund(transactionId: toRefund, amount: Decimal(string: "5.00")!).responseCode == 106)
        let over = #expect(throws: ConnectorError.self) { try client.refund(transactionId: toRefund, amount: Decimal(string: "15.01")!) }
        #expect(over?.message.contains("817") == true, "refunds never exceed the original amount")
        let unknown = #expect(throws: ConnectorError.self) { try client.void(transactionId: 1) }
        #expect(unknown?.message.contains("811") == true)
    }

    @Test func exportsListTodaysTransactionsWithMaskedCards() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = PayTraceFixtures.client(sandbox)
        let sale = try #require(try PayTraceFixtures.sale(client, amount: "12.34", invoice: "INV-1001").transactionId)
        _ = try client.call("v1/transactions/settle", [:])
        let exported = try client.exportTransactions(from: PayTraceFixtures.today(), to: PayTraceFixtures.today())
        let mine = try #require(exported.first { $0.transactionId == sale })
        #expect(mine.amount == Decimal(string: "12.34")!)
        #expect(mine.type == "SALE" && mine.status == "SETTLED" && mine.invoiceId == "INV-1001")
        #expect(mine.maskedCardNumber == "************5439")
        #expect(mine.createdAt.range(of: #"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} (AM|PM)$"#, options: .regularExpression) != nil)
        #expect(mine.settledAt != nil)
    }

    @Test func anExpiredTokenIsReplacedOnceAndTheCallSucceeds() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = PayTraceFixtures.client(sandbox)
        _ = try PayTraceFixtures.sale(client, amount: "1.00")
        #expect(sandbox.payTrace.tokensIssued == 1)
        sandbox.payTrace.expireAllTokens()
        #expect(try PayTraceFixtures.sale(client, amount: "2.00").success)
        #expect(sandbox.payTrace.tokensIssued == 2, "one re-authentication, then the same call again")
    }
}
