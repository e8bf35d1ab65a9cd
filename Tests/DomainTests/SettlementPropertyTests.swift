import Foundation
import Testing
@testable import Domain

/// Settlement arithmetic over thousands of generated batches and fee schedules: every split adds
/// up to the cent, in `Decimal`, and the fee rules choose as the schedule says.
@Suite("Settlements and fees: properties")
struct SettlementPropertyTests {
    static let brands = CardBrand.allCases
    static let days = ["2026-10-15", "2026-11-01", "2026-11-20", "2026-12-01"]

    static func amount(_ random: inout SeededRandom, upTo cents: Int) -> Decimal {
        Decimal(Int.random(in: 1...cents, using: &random)) / 100
    }

    static func schedule(_ random: inout SeededRandom) -> FeeSchedule {
        var rules: [FeeSchedule.Rule] = []
        var used: Set<String> = []
        for _ in 0..<Int.random(in: 0...8, using: &random) {
            let brand = Bool.random(using: &random) ? brands.randomElement(using: &random) : nil
            let type = [nil, "SALE", "REFUND"].randomElement(using: &random)!
            let from = ["2026-01-01", "2026-11-01", "2026-11-15"].randomElement(using: &random)!
            guard used.insert("\(brand?.rawValue ?? "*")/\(type ?? "*")/\(from)").inserted else { continue }
            rules.append(
                FeeSchedule.Rule(
                    cardBrand: brand, transactionType: type, percent: Decimal(Int.random(in: 0...5000, using: &random)) / 1000,
                    fixed: amount(&random, upTo: 50), effectiveFrom: from, effectiveTo: Bool.random(using: &random) ? nil : "2026-11-30"))
        }
        return FeeSchedule(rules: rules)
    }

    @Test func aBatchsNetIsItsDepositPlusItsFeesToTheCent() {
        var random = SeededRandom(seed: 13)
        for round in 0..<2000 {
            let schedule = Self.schedule(&random)
            let day = Self.days.randomElement(using: &random)!
            let lines = (0..<Int.random(in: 0...40, using: &random)).map { index -> SettlementLine in
                let type = Int.random(in: 0..<10, using: &random) == 0 ? "REFUND" : "SALE"
                let brand = Self.brands.randomElement(using: &random)!
                let amount = Self.amount(&random, upTo: 500_000)
                return SettlementLine(
                    transactionId: index, type: type, amount: amount, cardBrand: brand, maskedCardNumber: "", invoiceId: nil, customerId: nil,
                    expectedFee: schedule.fee(amount: amount, brand: brand, type: type, day: day))
            }
            let totals = SettlementTotals(lines: lines)
            #expect(totals.net == totals.deposit + totals.fees, "round \(round)")
            #expect(totals.net == totals.salesAmount - totals.refundAmount)
            #expect(totals.feesByBrand.values.reduce(0, +) == totals.fees, "fees split by brand gain or lose nothing (round \(round))")
            #expect(totals.salesCount + totals.refundCount == lines.count)
            for line in lines {
                #expect(FeeSchedule.cents(line.expectedFee) == line.expectedFee, "a fee is whole cents: \(line.expectedFee)")
                #expect(line.expectedFee >= 0)
            }
        }
    }

    @Test func theMostSpecificRuleInForceDecides() {
        let schedule = FeeSchedule(rules: [
            .init(cardBrand: nil, transactionType: nil, percent: 3, fixed: Decimal(string: "0.30")!, effectiveFrom: "2026-01-01"),
            .init(cardBrand: .amex, transactionType: nil, percent: Decimal(string: "3.5")!, fixed: Decimal(string: "0.15")!, effectiveFrom: "2026-01-01"),
            .init(cardBrand: nil, transactionType: "REFUND", percent: 0, fixed: 0, effectiveFrom: "2026-01-01"),
            .init(
                cardBrand: .visa, transactionType: "SALE", percent: Decimal(string: "2.9")!, fixed: Decimal(string: "0.30")!, effectiveFrom: "2026-01-01",
                effectiveTo: "2026-11-30"),
            .init(cardBrand: .visa, transactionType: "SALE", percent: Decimal(string: "2.5")!, fixed: Decimal(string: "0.25")!, effectiveFrom: "2026-12-01"),
        ])
        let hundred = Decimal(string: "100.00")!
        #expect(schedule.fee(amount: hundred, brand: .visa, type: "SALE", day: "2026-11-30") == Decimal(string: "3.20")!)
        #expect(schedule.fee(amount: hundred, brand: .visa, type: "SALE", day: "2026-12-01") == Decimal(string: "2.75")!)
        #expect(schedule.fee(amount: hundred, brand: .amex, type: "SALE", day: "2026-12-01") == Decimal(string: "3.65")!)
        #expect(schedule.fee(amount: hundred, brand: .discover, type: "SALE", day: "2026-12-01") == Decimal(string: "3.30")!)
        #expect(schedule.fee(amount: hundred, brand: .discover, type: "REFUND", day: "2026-12-01") == 0)
        // 2.9% of 10.50 is 0.3045 → 0.30, plus 0.30; a half cent rounds up, as processors round.
        #expect(schedule.fee(amount: Decimal(string: "10.50")!, brand: .visa, type: "SALE", day: "2026-11-01") == Decimal(string: "0.60")!)
        #expect(FeeSchedule.cents(Decimal(string: "0.125")!) == Decimal(string: "0.13")!)
        #expect(FeeSchedule(rules: []).fee(amount: hundred, brand: .visa, type: "SALE", day: "2026-12-01") == 0)
    }

    @Test func brandsComeFromTheFirstDigits() {
        #expect(CardBrand(maskedNumber: "401200******5439") == .visa)
        #expect(CardBrand(maskedNumber: "549974******0057") == .mastercard)
        #expect(CardBrand(maskedNumber: "222100******0000") == .mastercard)
        #expect(CardBrand(maskedNumber: "371449*****2376") == .amex)
        #expect(CardBrand(maskedNumber: "601100******6909") == .discover)
        #expect(CardBrand(maskedNumber: "************5439") == .other)
    }

    @Test func aScheduleIsParsedAndEveryBadFieldNamed() throws {
        let good = try #require(
            JSONValue(
                parsing:
                    #"{"rules": [{"card_brand": "visa", "transaction_type": "SALE", "percent": "2.9", "fixed": "0.30", "effective_from": "2026-01-01", "effective_to": null}, {"card_brand": null, "transaction_type": null, "percent": "3", "fixed": "0.10", "effective_from": "2026-01-01"}]}"#
            ))
        let (schedule, errors) = FeeSchedule.parse(good)
        #expect(errors.isEmpty && schedule?.rules.count == 2)
        #expect(FeeSchedule.parse(try #require(schedule?.json)).0 == schedule, "its JSON reads back as itself")
        let bad = try #require(
            JSONValue(
                parsing:
                    #"{"rules": [{"card_brand": "diners", "transaction_type": "VOID", "percent": 2.9, "fixed": "-1", "effective_from": "2026-13-01", "extra": 1}]}"#
            ))
        let (none, problems) = FeeSchedule.parse(bad)
        #expect(none == nil)
        #expect(
            Set(problems.map(\.field)) == [
                "rules[0].card_brand", "rules[0].transaction_type", "rules[0].percent", "rules[0].fixed", "rules[0].effective_from", "rules[0].extra",
            ])
    }
}

@Suite("Statement rows")
struct StatementRowTests {
    @Test func everyBadRowIsNamedByLineAndColumn() throws {
        let table = try CSVTable(
            parsing:
                "date,batch,gross,fees,net\n2026-12-01,7,130.00,5.20,124.80\n2026-12-32,x,1.005,-1,0\n2026-12-02,7,-5.00,0.00,-5.00\n2026-12-03,8,10.00,1.00,8.00\n"
        )
        let (rows, errors) = StatementRow.parse(table)
        #expect(rows.map(\.batchNumber) == [7], "only line 2 reads")
        #expect(
            Set(errors.map(\.field)) == ["line 3.date", "line 3.batch", "line 3.gross", "line 3.fees", "line 4.batch", "line 5.net"],
            "\(errors)")
        let header = StatementRow.parse(try CSVTable(parsing: "day,batch,gross,fees\n2026-12-01,7,1.00,0.00\n")).1
        #expect(Set(header.map(\.field)) == ["header.day", "header.date", "header.net"])
    }
}

@Suite("Settlement journals")
struct SettlementJournalTests {
    static let accounts = SettlementJournals.Accounts(clearing: "code:1010", bank: "code:1000", fees: "code:6100")

    static func settlement(_ lines: [SettlementLine], actual: SettlementActual? = nil) -> Settlement {
        Settlement(
            id: UUID(), tenantId: UUID(), environment: .dev, connectionId: UUID(), batchNumber: 7, settledAt: "", settledOn: "2026-12-01", currency: "USD",
            totals: SettlementTotals(lines: lines), actual: actual, createdAt: Date())
    }

    static func line(_ amount: String, _ type: String = "SALE", fee: String = "0") -> SettlementLine {
        SettlementLine(
            transactionId: 1, type: type, amount: Decimal(string: amount)!, cardBrand: .visa, maskedCardNumber: "", invoiceId: nil, customerId: nil,
            expectedFee: Decimal(string: fee)!)
    }

    static func lines(_ entry: SettlementJournals.Entry) -> [String] {
        (entry.zohoRecord?.object?["line_items"]?.array ?? []).map {
            "\($0.object?["debit_or_credit"]?.string ?? "") \($0.object?["account_id"]?.string ?? "") \($0.object?["amount"]?.string ?? "")"
        }
    }

    @Test func depositAndFeesLeaveClearingAndATrueUpFollowsTheStatement() {
        let batch = Self.settlement([Self.line("100.00", fee: "3.20"), Self.line("50.00", fee: "1.75")])
        let first = SettlementJournals.entries(batch, accounts: Self.accounts, posted: [:])
        #expect(first.map(\.kind) == [.deposit, .fees])
        #expect(Self.lines(first[0]) == ["debit code:1000 145.05", "credit code:1010 145.05"])
        #expect(Self.lines(first[1]) == ["debit code:6100 4.95", "credit code:1010 4.95"])
        let sage = SettlementJournals.entries(batch, accounts: .sagePro, posted: [:])
        #expect(
            sage[0].sageRecord?["lines"]?.array?.map { "\($0["account"]?.string ?? "") \($0["debit"]?.string ?? "-") \($0["credit"]?.string ?? "-")" }
                == ["1000-00 145.05 -", "1050-00 - 145.05"], "the same deposit as Pro's journal.post")
        #expect(sage[0].sageRecord?["reference"]?.string == "PT-BATCH-\(batch.batchNumber)-DEPOSIT" && sage[0].sageRecord?["date"]?.string == batch.settledOn)
        #expect(first.map(\.amount).reduce(0, +) == batch.totals.net, "clearing gives up exactly the batch's net")
        let posted: [SettlementJournals.Kind: Decimal] = [.deposit: first[0].amount, .fees: first[1].amount]
        #expect(SettlementJournals.entries(batch, accounts: Self.accounts, posted: posted).isEmpty, "nothing twice")
        let stated = Self.settlement(
            [Self.line("100.00", fee: "3.20"), Self.line("50.00", fee: "1.75")],
            actual: SettlementActual(
                statementDate: "2026-12-02", gross: Decimal(string: "150.00")!, fees: Decimal(string: "4.90")!, net: Decimal(string: "145.10")!))
        let trueUp = SettlementJournals.entries(stated, accounts: Self.accounts, posted: posted)
        #expect(trueUp.map(\.kind) == [.feeTrueUp] && trueUp.first?.amount == Decimal(string: "-0.05")!)
        #expect(Self.lines(trueUp[0]) == ["debit code:1000 0.05", "credit code:6100 0.05"], "fees were 0.05 less: back from fees to the bank")
    }

    @Test func aBatchOfRefundsRunsTheOtherWayAndNoFeeIsStillPosted() {
        let refunds = Self.settlement([Self.line("25.50", "REFUND")])
        let entries = SettlementJournals.entries(refunds, accounts: Self.accounts, posted: [:])
        #expect(Self.lines(entries[0]) == ["debit code:1010 25.50", "credit code:1000 25.50"])
        #expect(entries[1].kind == .fees && entries[1].zohoRecord == nil && entries[1].sageRecord == nil, "a zero fee is recorded as posted, with no journal")
    }
}
