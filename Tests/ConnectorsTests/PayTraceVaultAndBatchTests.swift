import Foundation
import Testing
import Connectors
import Sandbox

@Suite("PayTrace customer vault and settlement batches against the sandbox")
struct PayTraceVaultAndBatchTests {
    static let card = PayTraceClient.Card(number: "5499740000000057", expirationMonth: 7, expirationYear: 2031)

    @Test func vaultProfilesAreCreatedChargedRenamedAndDeletedWithPayTracesCodes() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = PayTraceFixtures.client(sandbox)
        let created = try client.createCustomer(id: "cust-42", card: Self.card, billing: .init(name: "Steve Smith", zip: "99201"), email: "steve@example.com")
        #expect(created.responseCode == 160)
        #expect(created.statusMessage == "The customer profile for cust-42/Steve Smith was successfully created.")
        #expect(created.object["masked_card_number"] as? String == "xxxxxxxxxxxx0057")
        let duplicate = #expect(throws: ConnectorError.self) { try client.createCustomer(id: "cust-42", card: Self.card, billing: .init(name: "X")) }
        #expect(duplicate?.kind == .permanent && duplicate?.message.contains("171") == true)

        let sale = try client.sale(customerId: "cust-42", amount: Decimal(string: "25.50")!, invoiceId: "INV-9")
        #expect(sale.responseCode == 101 && sale.object["masked_card_number"] == nil, "a vault sale's reply has no masked card")
        let unknown = #expect(throws: ConnectorError.self) { try client.sale(customerId: "nobody", amount: 1) }
        #expect(unknown?.message.contains("30") == true)

        #expect(try client.updateCustomer(id: "cust-42", newId: "cust-43", email: "s@example.com").responseCode == 161)
        let exported = try client.exportCustomers()
        #expect(exported.map(\.customerId) == ["cust-43"])
        #expect(
            exported.first?.maskedCardNumber == "************0057" && exported.first?.billingName == "Steve Smith" && exported.first?.email == "s@example.com")
        #expect(try client.exportCustomers(id: "cust-42").isEmpty)

        let fromTransaction = try client.createCustomer(id: "cust-from-txn", fromTransaction: try #require(sale.transactionId), billing: .init(name: "Ann"))
        #expect(fromTransaction.responseCode == 160)
        #expect(try client.deleteCustomer(id: "cust-43").responseCode == 162)
        #expect(throws: ConnectorError.self) { try client.deleteCustomer(id: "cust-43") }
    }

    @Test func settlementNumbersABatchWithGrossTotalsAndItsTransactions() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = PayTraceFixtures.client(sandbox)
        let first = try PayTraceFixtures.sale(client, amount: "100.00")
        _ = try PayTraceFixtures.sale(client, amount: "40.00")
        _ = try PayTraceFixtures.sale(client, amount: "0.29")  // declined: never settles
        let open = try #require(try client.batch())
        #expect(open.settledAt.isEmpty && open.salesCount == 2 && open.salesAmount == 140)

        let settled = try client.call("v1/transactions/settle", [:])
        let number = try #require(settled.object["batch_number"] as? Int)
        _ = try client.refund(transactionId: try #require(first.transactionId), amount: Decimal(string: "15.25")!)
        _ = try client.call("v1/transactions/settle", [:])

        let today = PayTraceFixtures.today()
        let batches = try client.exportBatches(from: today, to: today)
        #expect(batches.map(\.number) == [number, number + 1])
        #expect(batches[0].salesAmount == 140 && batches[0].netAmount == 140 && batches[0].transactionCount == 2)
        #expect(batches[1].refundCount == 1 && batches[1].refundAmount == Decimal(string: "15.25")! && batches[1].netAmount == Decimal(string: "-15.25")!)
        #expect(try client.batch(number: number) == batches[0])
        let inBatch = try client.batchTransactions(number: number)
        #expect(inBatch.map(\.amount).sorted() == [40, 100])
        #expect(inBatch.allSatisfy { $0.settledAt != nil && $0.batchNumber == number })
        #expect(throws: ConnectorError.self) { try client.batchTransactions(number: 999) }
        // transaction_list documents no include_bin: the card stays masked to its last four, and
        // the brands come from the export, which does.
        let asked = try client.call("v1/batches/transaction_list", ["batch_number": number, "include_bin": true])
        let listed = (asked.object["transactions"] as? [[String: Any]] ?? []).compactMap { ($0["credit_card"] as? [String: Any])?["masked_number"] as? String }
        #expect(listed.count == 2 && listed.allSatisfy { $0.hasPrefix("************") }, "\(listed)")
        let binned = try client.settledWithBins([batches[0]])
        #expect(binned.first?.1.count == 2 && binned.first?.1.allSatisfy { $0.maskedCardNumber?.first?.isNumber == true } == true, "\(binned)")

        let settledOnly = try client.call("v1/transactions/export/by_date_range", ["start_date": today, "end_date": today, "transaction_type": "SETTLED"])
        #expect((settledOnly.object["transactions"] as? [[String: Any]])?.count == 3)
        let declined = try client.call("v1/transactions/export/by_date_range", ["start_date": today, "end_date": today, "transaction_type": "DECLINED"])
        #expect((declined.object["transactions"] as? [[String: Any]])?.count == 1)
    }
}

@Suite("PayTrace authorizations and captures against the sandbox")
struct PayTraceAuthorizationTests {
    @Test func anAuthorizationSettlesOnlyOnceCapturedAndNeverBeyondItsAmount() throws {
        let sandbox = try PayTraceFixtures.sandbox()
        defer { sandbox.shutdown() }
        let client = PayTraceFixtures.client(sandbox)
        let auth = try client.call(
            "v1/transactions/authorization/keyed",
            [
                "amount": "80.00", "credit_card": ["number": PayTraceFixtures.visa, "expiration_month": 12, "expiration_year": 2030],
            ])
        #expect(auth.responseCode == 101)
        let id = try #require(auth.transactionId)
        _ = try client.call("v1/transactions/settle", [:])
        let today = PayTraceFixtures.today()
        #expect(try client.exportTransactions(from: today, to: today).first { $0.transactionId == id }?.settledAt == nil, "not settled before capture")
        let over = #expect(throws: ConnectorError.self) { try client.capture(transactionId: id, amount: Decimal(string: "80.01")!) }
        #expect(over?.message.contains("816") == true)
        let captured = try client.capture(transactionId: id, amount: Decimal(string: "75.00")!)
        #expect(captured.responseCode == 112 && captured.statusMessage == "Your transaction was successfully captured.")
        #expect(throws: ConnectorError.self) { try client.capture(transactionId: id) }
        _ = try client.call("v1/transactions/settle", [:])
        let settled = try #require(try client.exportTransactions(from: today, to: today).first { $0.transactionId == id })
        #expect(settled.settledAt != nil && settled.amount == 75 && settled.type == "AUTHORIZATION")
    }
}
