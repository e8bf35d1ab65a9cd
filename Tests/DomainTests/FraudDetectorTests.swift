import Foundation
import Testing
import Domain

/// Each detector speaks on its pattern, says why, names its evidence, and keeps quiet just short of it.
@Suite struct FraudDetectorTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func sale(_ id: Int, _ amount: Decimal, customer: String? = "c-1", declined: Bool = false, minutes: Double = 0) -> PaymentObservation {
        PaymentObservation(
            transactionId: id, kind: .sale, amount: amount, declined: declined, customerId: customer, card: "************1111",
            at: start.addingTimeInterval(minutes * 60))
    }

    @Test func aBurstOfSmallMostlyDeclinedAttemptsIsCardTesting() {
        let burst: [PaymentObservation] = (0..<9).map { (n: Int) -> PaymentObservation in
            let amount = Decimal(1 + n % 3)
            return sale(n, amount, customer: nil, declined: n % 4 != 0, minutes: Double(n) / 2)
        }
        let tenth = sale(9, 2, customer: nil, declined: true, minutes: 5)
        let found = FraudDetectors.findings(for: tenth, history: burst)
        #expect(found.map(\.detector) == ["card_testing"])
        #expect(found.first?.evidence.count == 10 && found.first?.explanation.contains("declined") == true, "\(found)")
        // Nine attempts are not yet a burst; nor are ten mostly approved, nor ten spread over an hour.
        #expect(FraudDetectors.findings(for: burst[8], history: Array(burst[0..<8])).isEmpty)
        let approved: [PaymentObservation] = (0..<10).map { (n: Int) -> PaymentObservation in sale(n, 2, customer: nil, minutes: Double(n) / 2) }
        #expect(FraudDetectors.findings(for: approved[9], history: Array(approved[0..<9])).isEmpty)
        let spread: [PaymentObservation] = (0..<10).map { (n: Int) -> PaymentObservation in sale(n, 2, customer: nil, declined: true, minutes: Double(n) * 6) }
        #expect(FraudDetectors.findings(for: spread[9], history: Array(spread[0..<9])).isEmpty)
        // Arrived out of order: the first attempt, judged last, still sees the burst after it.
        #expect(FraudDetectors.findings(for: burst[0], history: Array(burst[1...]) + [tenth]).map(\.detector) == ["card_testing"])
    }

    @Test func theSameAmountTwiceWithinMinutesIsAPossibleDuplicate() {
        let first = sale(1, Decimal(string: "84.20")!, minutes: 0)
        let second = sale(2, Decimal(string: "84.20")!, minutes: 3)
        let found = FraudDetectors.findings(for: second, history: [first])
        #expect(found.map(\.detector) == ["duplicate_charge"] && found.first?.evidence == [1, 2], "\(found)")
        #expect(FraudDetectors.findings(for: sale(3, Decimal(string: "84.20")!, minutes: 30), history: [first]).isEmpty)
        #expect(FraudDetectors.findings(for: sale(4, Decimal(string: "84.21")!, minutes: 3), history: [first]).isEmpty)
        #expect(FraudDetectors.findings(for: sale(5, Decimal(string: "84.20")!, customer: "c-2", minutes: 3), history: [first]).isEmpty)
    }

    @Test func anAmountFarAboveTheCustomersOwnIsUnusualOnceThereIsHistory() {
        let usual: [PaymentObservation] = (0..<8).map { (n: Int) -> PaymentObservation in sale(n, Decimal(45 + n * 2), minutes: Double(n) * 1440) }
        let big = sale(100, 9000, minutes: 20_000)
        let found = FraudDetectors.findings(for: big, history: usual)
        #expect(found.map(\.detector) == ["unusual_amount"], "\(found)")
        #expect(found.first?.explanation.contains("median of 52.00") == true, "\(found.first?.explanation ?? "")")
        // Too little history to speak; an ordinary amount; an amount within a varied customer's own range.
        #expect(FraudDetectors.findings(for: big, history: Array(usual[0..<4])).isEmpty)
        #expect(FraudDetectors.findings(for: sale(101, 70, minutes: 20_000), history: usual).isEmpty)
        let varied: [PaymentObservation] = [20, 400, 35, 900, 60, 1500, 80].enumerated().map { (n: Int, amount: Int) -> PaymentObservation in
            sale(n, Decimal(amount), minutes: Double(n) * 1440)
        }
        #expect(FraudDetectors.findings(for: sale(102, 1200, minutes: 20_000), history: varied).isEmpty)
    }

    @Test func anObservationIsReadFromAPayTraceEvent() throws {
        let payload = try #require(
            JSONValue(
                parsing:
                    #"{"transaction": {"transaction_id": 5001, "transaction_type": "SALE", "amount": "12.50", "status": "DECLINED", "customer_id": "acme-1", "masked_card_number": "************1111", "created_at": "11/21/2026 4:06:30 PM"}}"#
            ))
        let seen = try #require(PaymentObservation(event: payload, receivedAt: start, zone: TimeZone(identifier: "UTC")!))
        #expect(seen.transactionId == 5001 && seen.kind == .sale && seen.amount == Decimal(string: "12.50") && seen.declined && seen.customerId == "acme-1")
        #expect(Timestamp.format(seen.at).hasPrefix("2026-11-21T16:06:30"))
        #expect(PaymentObservation(event: try #require(JSONValue(parsing: #"{"batch": {"number": 7}}"#)), receivedAt: start, zone: .current) == nil)
    }
}

/// The rate detectors speak on a spike against the tenant's own baseline, and not without one.
@Suite struct RateSpikeTests {
    let declined = PaymentObservation(
        transactionId: 1, kind: .sale, amount: 40, declined: true, customerId: "c", card: nil, at: Date(timeIntervalSince1970: 1_800_000_000))
    let refund = PaymentObservation(
        transactionId: 2, kind: .refund, amount: 40, declined: false, customerId: "c", card: nil, at: Date(timeIntervalSince1970: 1_800_000_000))

    func counts(
        attempts: Int = 20, declines: Int = 8, refunds: Int = 0, days: Double = 28, slotAttempts: Int = 0, slotDeclines: Int = 0
    ) -> RateSpikes.Counts {
        RateSpikes.Counts(
            recentAttempts: attempts, recentDeclines: declines, baselineAttempts: 9_000, baselineDeclines: 180, recentRefunds: refunds,
            baselineRefunds: 270, baselineDaysCovered: days, slotAttempts: slotAttempts, slotDeclines: slotDeclines)
    }

    @Test func aDeclineShareFarAboveTheBaselineIsASpike() {
        #expect(RateSpikes.findings(for: declined, counts()).map(\.detector) == ["decline_spike"])
        #expect(RateSpikes.findings(for: declined, counts()).first?.explanation.contains("8 of 20") == true)
        #expect(RateSpikes.findings(for: declined, counts(attempts: 19, declines: 8)).isEmpty, "too few attempts")
        #expect(RateSpikes.findings(for: declined, counts(declines: 5)).isEmpty, "25% is not a spike")
        #expect(RateSpikes.findings(for: declined, counts(days: 3)).isEmpty, "no baseline yet")
    }

    /// A tenant whose declines always rise in one hour of the week (Monday's batch of renewals,
    /// say) is judged against that hour there, once the hour has enough attempts of its own.
    @Test func anHourOfTheWeekWithItsOwnHigherDeclinesIsItsOwnBaseline() {
        // 40% now; 2% overall, but 20% in this hour of the last four weeks: not three times that.
        #expect(RateSpikes.findings(for: declined, counts(slotAttempts: 80, slotDeclines: 16)).isEmpty)
        // Too few attempts in the hour to count: the overall share stands, and 40% is a spike.
        #expect(RateSpikes.findings(for: declined, counts(slotAttempts: 10, slotDeclines: 2)).map(\.detector) == ["decline_spike"])
        // An ordinary hour (2% there too): a spike, which says both baselines.
        let found = RateSpikes.findings(for: declined, counts(slotAttempts: 100, slotDeclines: 2))
        #expect(found.first?.explanation.contains("in this hour of the week") == true, "\(found)")
    }

    @Test func smallDeclinedAttemptsOnOneBinAcrossCustomersAreCardTesting() {
        let start = Date(timeIntervalSince1970: 1_793_577_600)
        let attempts = (0..<10).map { n in
            PaymentObservation(
                transactionId: 500 + n, kind: .sale, amount: 1, declined: n != 0, customerId: "x-\(n)", card: nil, bin: "555555",
                at: start.addingTimeInterval(Double(n) * 30))
        }
        let found = FraudDetectors.cardTesting(byBin: attempts[9], attempts: Array(attempts[0..<9]))
        #expect(found?.cause == "bin:555555" && found?.evidence.count == 10, "\(String(describing: found))")
        #expect(FraudDetectors.cardTesting(byBin: attempts[8], attempts: Array(attempts[0..<8])) == nil, "nine is not yet a burst")
        var off = FraudSettings()
        off.disabled = ["card_testing"]
        #expect(FraudDetectors.cardTesting(byBin: attempts[9], attempts: Array(attempts[0..<9]), settings: off) == nil)
    }

    @Test func aNewCustomersChargeFarAboveTheMerchantsIsUnusual() {
        let merchant = FraudDetectors.MerchantAmounts(sales: 900, percentile99: 480)
        let big = PaymentObservation(transactionId: 9, kind: .sale, amount: 5_000, declined: false, customerId: "newbie", card: nil, at: Date())
        let found = FraudDetectors.unusualForMerchant(big, customerCharges: 0, merchant: merchant)
        #expect(found?.cause == "new_customer:newbie" && found?.explanation.contains("under 480.00 USD") == true, "\(String(describing: found))")
        #expect(FraudDetectors.unusualForMerchant(big, customerCharges: 5, merchant: merchant) == nil, "the customer's own history judges them")
        #expect(FraudDetectors.unusualForMerchant(big, customerCharges: 0, merchant: .init(sales: 150, percentile99: 480)) == nil, "too few sales")
        let usual = PaymentObservation(transactionId: 10, kind: .sale, amount: 1_400, declined: false, customerId: "newbie", card: nil, at: Date())
        #expect(FraudDetectors.unusualForMerchant(usual, customerCharges: 0, merchant: merchant) == nil, "under three times the 99th percentile")
    }

    @Test func chargebacksAtOnePercentOfSalesAreAnAlert() {
        #expect(RateSpikes.chargebackRatio(chargebacks: 3, sales: 250)?.detector == "chargeback_ratio")
        #expect(RateSpikes.chargebackRatio(chargebacks: 3, sales: 250)?.explanation.contains("3 chargebacks in the last 30 days against 250") == true)
        #expect(RateSpikes.chargebackRatio(chargebacks: 2, sales: 150) == nil, "fewer than three")
        #expect(RateSpikes.chargebackRatio(chargebacks: 3, sales: 400) == nil, "0.75% is under 1%")
        #expect(RateSpikes.chargebackRatio(chargebacks: 5, sales: 60) == nil, "too few sales to say")
        var settings = FraudSettings()
        settings.chargebackShare = 0.005
        #expect(RateSpikes.chargebackRatio(chargebacks: 3, sales: 400, settings: settings) != nil, "the tenant's own share")
    }

    @Test func refundsFarAboveTheUsualHourlyCountAreASpike() {
        // 270 refunds in 28 days: 0.4 an hour.
        #expect(RateSpikes.findings(for: refund, counts(refunds: 5)).map(\.detector) == ["refund_spike"])
        #expect(RateSpikes.findings(for: refund, counts(refunds: 4)).isEmpty)
    }
}
