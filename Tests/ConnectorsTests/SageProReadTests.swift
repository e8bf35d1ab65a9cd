import Foundation
import Testing
import Connectors
import Domain
import SageAgent
import Sandbox

/// The agent's reads for reconciliation: a period's receipts and one account's postings, a page
/// at a time, answered afresh rather than from the crosswalk; and results posted in parts, so a
/// batch of reads never exceeds what Clearline accepts in one request.
@Suite("Sage Pro reads through the agent")
struct SageProReadTests {
    static func command(_ type: SageAgentProtocol.CommandType, _ id: String, _ payload: [String: JSONValue]) -> SageAgentProtocol.Command {
        SageAgentProtocol.Command(commandId: UUID(), type: type.rawValue, externalId: id, delivery: 1, payload: .object(payload))
    }

    @Test func readsArePagedDatedAndNeverAnsweredFromTheCrosswalk() throws {
        let company = SageProCompany()
        #expect(company.apply(Self.command(.upsertCustomer, "c", ["company": .string("Alder Outfitters")])).status == .succeeded)
        let custno = try #require(company.rows("ARCUST")?.first?["CUSTNO"]?.string)
        for (index, day) in ["11/20/2026", "11/21/2026", "11/21/2026", "11/23/2026"].enumerated() {
            let receipt = company.apply(
                Self.command(
                    .postCashReceipt, "r\(index)",
                    ["custno": .string(custno), "amount": .string("1\(index).00"), "paydate": .string(day), "reference": .string("PT-\(index)")]))
            #expect(receipt.status == .succeeded)
        }
        let period: [String: JSONValue] = ["from": .string("2026-11-21"), "to": .string("2026-11-23"), "limit": .number(2)]
        let first = company.apply(Self.command(.listCashReceipts, "read", period))
        #expect(first.data?["receipts"]?.array?.compactMap { $0["reference"]?.string } == ["PT-1", "PT-2"])
        #expect(first.data?["receipts"]?.array?.first?["paydate"]?.string == "2026-11-21", "dates as yyyy-MM-dd, however Pro keeps them")
        let next = try #require(first.data?["next"])
        var more = period
        more["after"] = next
        let second = company.apply(Self.command(.listCashReceipts, "read", more))
        #expect(second.data?["receipts"]?.array?.compactMap { $0["reference"]?.string } == ["PT-3"] && second.data?["next"] == nil)
        // The same external id again is read afresh: a new receipt shows.
        _ = company.apply(
            Self.command(
                .postCashReceipt, "r9", ["custno": .string(custno), "amount": .string("5.00"), "paydate": .string("11/22/2026"), "reference": .string("PT-9")]))
        let again = company.apply(Self.command(.listCashReceipts, "read", ["from": .string("2026-11-21"), "to": .string("2026-11-23")]))
        #expect(again.data?["receipts"]?.array?.count == 4)
        // The receipts' postings to undeposited funds, dated by the receipt.
        let gl = company.apply(
            Self.command(.listLedger, "gl", ["account": .string("1050-00"), "from": .string("2026-11-20"), "to": .string("2026-11-20")]))
        #expect(gl.data?["lines"]?.array?.map { $0["debit"]?.string } == ["10.00"])
        let bad = company.apply(
            Self.command(.listLedger, "gl-bad", ["account": .string("1050-00"), "from": .string("2026-11-23"), "to": .string("2026-11-20")]))
        #expect(bad.status == .failed && bad.error?.code == "validation")
        #expect(
            company.apply(Self.command(.listCashReceipts, "lim", ["from": .string("2026-11-20"), "to": .string("2026-11-20"), "limit": .number(5000)])).status
                == .failed)
    }

    @Test func resultsArePostedInPartsUnderTheRequestLimit() throws {
        let big = JSONValue.object([
            "receipts": .array((0..<1000).map { .object(["receipt_no": .string("CR\($0)"), "reference": .string(String(repeating: "x", count: 150))]) })
        ])
        let results = (0..<6).map { _ in SageAgentProtocol.Result.succeeded(UUID(), big) }
        let parts = try AgentLoop.parts(results)
        #expect(parts.flatMap { $0 }.count == 6 && parts.count > 1)
        for part in parts {
            #expect(try SageAgentProtocol.encoder.encode(SageAgentProtocol.Results(batchId: UUID(), results: part)).count < 1 << 20)
        }
        #expect(try AgentLoop.parts([]).isEmpty)
    }
}
