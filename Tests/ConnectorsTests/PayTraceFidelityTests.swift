import Foundation
import Testing
import Connectors
import Sandbox

/// The PayTrace emulator against PayTrace's documented v1 API (reference sections 3–6, and the
/// replies recorded in ActiveMerchant's fixtures): export records with their documented fields
/// and no invented ones, `include_bin` and `including_text`, keyed refunds, checks, Level 3, the
/// $0 verification, expired cards, and PayTrace's own wording of declines and errors.
@Suite("Sandbox fidelity: PayTrace")
struct PayTraceFidelityTests {
    let sandbox: SandboxServer
    let token: String

    init() throws {
        sandbox = try PayTraceFixtures.sandbox()
        token = try VendorHTTP.payTraceToken(sandbox)
    }

    func call(_ path: String, _ body: [String: Any]) throws -> VendorHTTP.Answer { try VendorHTTP.payTrace(sandbox, token, path, body) }

    func card(_ number: String = PayTraceFixtures.visa, year: Int = 2030) -> [String: Any] {
        ["number": number, "expiration_month": 9, "expiration_year": year]
    }

    func sale(_ amount: String, invoice: String, extra: [String: Any] = [:]) throws -> VendorHTTP.Answer {
        try call("/v1/transactions/sale/keyed", ["amount": amount, "credit_card": card(), "invoice_id": invoice].merging(extra) { $1 })
    }

    func errors(_ answer: VendorHTTP.Answer) -> [String: [String]] { answer["errors"] as? [String: [String]] ?? [:] }

    @Test func exportsCarryTheDocumentedFieldsAndNoStatus() throws {
        defer { sandbox.shutdown() }
        let sale = try sale(
            "20.00", invoice: "INV-EXP-1",
            extra: [
                "csc": "999", "description": "Two tents", "email": "buyer@example.com", "customer_reference_id": "PO-1",
                "billing_address": ["name": "Grace Hopper", "zip": "99201"],
            ])
        let id = try #require(sale["transaction_id"] as? Int)
        #expect(sale["approval_message"] as? String == "APPROVAL TAS\(id % 1000)  - Approved and completed" && sale["csc_response"] as? String == "Match")
        let export = try call("/v1/transactions/export/by_id", ["transaction_id": id])
        #expect(export["external_transaction_id"] as? String == "")
        let record = try #require((export["transactions"] as? [[String: Any]])?.first)
        #expect(record["status"] == nil, "PayTrace documents no status field")
        for field in [
            "approval_message", "avs_response", "csc_response", "status_code", "status_message", "billing_address", "description", "customer_id",
            "receipt_emailed_to", "customer_reference_id", "settled", "created",
        ] {
            #expect(record[field] != nil, "\(field)")
        }
        #expect(record["status_code"] as? Int == 101 && record["description"] as? String == "Two tents")
        let created = try #require(record["created"] as? [String: Any])
        #expect(created["through"] as? String == "API" && created["from_ip"] is String && created["at"] is String)
        let card = try #require(record["credit_card"] as? [String: Any])
        #expect(card["masked_number"] as? String == "************5439" && card["expiration_month"] as? Int == 9 && card["expiration_year"] as? Int == 2030)
        let withBin = try call("/v1/transactions/export/by_id", ["transaction_id": id, "include_bin": true])
        #expect(((withBin["transactions"] as? [[String: Any]])?.first?["credit_card"] as? [String: Any])?["masked_number"] as? String == "401200******5439")
        // Voided: the latest outcome is in status_code; our client reads the state from it.
        _ = try call("/v1/transactions/void", ["transaction_id": id])
        let voided = try #require(try PayTraceFixtures.client(sandbox).transaction(id: id))
        #expect(voided.status == "VOIDED")
    }

    @Test func includingTextNarrowsTheSearch() throws {
        defer { sandbox.shutdown() }
        _ = try sale("11.00", invoice: "clearline-intent-aaa")
        _ = try sale("12.00", invoice: "clearline-intent-bbb", extra: ["description": "Order 555"])
        let client = PayTraceFixtures.client(sandbox)
        let today = PayTraceFixtures.today()
        #expect(try client.exportTransactions(from: today, to: today).count == 2)
        #expect(try client.exportTransactions(from: today, to: today, includingText: "intent-bbb").map(\.invoiceId) == ["clearline-intent-bbb"])
        #expect(try client.exportTransactions(from: today, to: today, includingText: "order 555").count == 1)
        #expect(try client.exportTransactions(from: today, to: today, includingText: "intent-ccc").isEmpty, "a search that finds nothing finds nothing")
    }

    @Test func keyedRefundsChecksAndLevelThree() throws {
        defer { sandbox.shutdown() }
        let refund = try call("/v1/transactions/refund/keyed", ["amount": "5.00", "credit_card": card()])
        #expect(refund["response_code"] as? Int == 106 && refund["masked_card_number"] as? String == "xxxxxxxxxxxx5439")
        // Checks: a sale by account, a bad routing number, a void, a refund.
        let check = try call("/v1/checks/sale/by_account", ["amount": "30.00", "check": ["account_number": "123456789", "routing_number": "325070760"]])
        let checkId = try #require(check["check_transaction_id"] as? Int)
        #expect(check["response_code"] as? Int == 120)
        let badRouting = try call("/v1/checks/sale/by_account", ["amount": "30.00", "check": ["account_number": "123456789", "routing_number": "325070761"]])
        #expect(badRouting.status == 400 && errors(badRouting)["46"] != nil)
        #expect(try call("/v1/checks/refund/by_transaction", ["check_transaction_id": checkId, "amount": "10.00"])["response_code"] as? Int == 122)
        let held = try #require(
            try call("/v1/checks/hold/by_account", ["amount": "9.00", "check": ["account_number": "987654321", "routing_number": "325070760"]])[
                "check_transaction_id"] as? Int)
        #expect(try call("/v1/checks/manage/void", ["check_transaction_id": held])["response_code"] as? Int == 124)
        #expect(errors(try call("/v1/checks/manage/void", ["check_transaction_id": held]))["80"] != nil)
        // Level 3 on an unsettled Visa sale; the Mastercard endpoint refuses it; a missing id is 58.
        let visa = try #require(try sale("40.00", invoice: "L3")["transaction_id"] as? Int)
        let added = try call("/v1/level_three/visa", ["transaction_id": visa, "line_items": [["description": "Tent", "quantity": 1, "unit_cost": 40]]])
        #expect(added["response_code"] as? Int == 170)
        #expect(
            added["status_message"] as? String
                == "Visa/MasterCard enhanced data was successfully added to Transaction ID \(visa). 1 line item records were created.")
        #expect(try call("/v1/level_three/mastercard", ["transaction_id": visa]).status == 400)
        #expect(errors(try call("/v1/level_three/visa", [:]))["58"] != nil)
    }

    @Test func zeroDollarVerifyExpiredCardsAndPayTracesWording() throws {
        defer { sandbox.shutdown() }
        let verify = try call("/v1/transactions/authorization/keyed", ["amount": "0.00", "credit_card": card()])
        let verifyId = try #require(verify["transaction_id"] as? Int)
        #expect(verify["response_code"] as? Int == 101 && verify["success"] as? Bool == true)
        #expect(
            errors(try call("/v1/transactions/authorization/capture", ["transaction_id": verifyId]))["816"] == [
                "The Transaction ID that you provided could not be captured. Only uncaptured, approved authorizations can be captured."
            ])
        #expect(errors(try call("/v1/transactions/sale/keyed", ["amount": "0.00", "credit_card": card()]))["33"] != nil, "a sale is for more than $0")
        let expired = try call("/v1/transactions/sale/keyed", ["amount": "10.00", "credit_card": card(year: 2020)])
        #expect(expired["response_code"] as? Int == 102 && expired["approval_message"] as? String == "    EXPIRED CARD - Expired card")
        let declined = try call("/v1/transactions/sale/keyed", ["amount": "112.00", "credit_card": card()])
        #expect(
            declined["status_message"] as? String == "Your transaction was not approved."
                && declined["approval_message"] as? String == "    DECLINE      - Do not honor")
        let unsettled = try #require(try sale("15.00", invoice: "W")["transaction_id"] as? Int)
        #expect(
            errors(try call("/v1/transactions/refund/for_transaction", ["transaction_id": unsettled]))["817"] == [
                "The Transaction ID that you provided could not be refunded. Only settled transactions can be refunded.  Please try to void the transaction instead."
            ])
        #expect(errors(try call("/v1/transactions/void", ["transaction_id": 1]))["811"] == ["The Transaction ID that you provided was not found."])
        _ = try call("/v1/transactions/settle", [:])
        #expect(
            errors(try call("/v1/transactions/void", ["transaction_id": unsettled]))["818"] == [
                "The Transaction ID that you provided could not be voided. Only transactions that are pending settlement can be voided."
            ])
        let unknown = try call("/v1/nothing", [:])
        #expect(unknown.status == 404 && unknown["success"] as? Bool == false && unknown["response_code"] as? Int == 1)
    }
}
