import Foundation
import Testing
import Domain

/// When a collected invoice is charged: once at first, again on each retry day after a decline,
/// never while a request is under way, and never after the last retry.
@Suite struct InvoiceDunningTests {
    let first = Date(timeIntervalSince1970: 1_800_000_000)
    let days = [1, 3, 7]

    func declined(_ numbers: ClosedRange<Int>) -> [InvoiceDunning.Attempt] {
        numbers.map { InvoiceDunning.Attempt(number: $0, collectedAt: first.addingTimeInterval(Double($0 - 1) * 3_600), live: false) }
    }

    func day(_ count: Double) -> Date { first.addingTimeInterval(count * 86_400) }

    @Test func aNewInvoiceIsChargedOnce() {
        #expect(InvoiceDunning.decide([], retryDays: days, at: first) == .charge(attempt: 1))
        let live = [InvoiceDunning.Attempt(number: 1, collectedAt: first, live: true)]
        #expect(InvoiceDunning.decide(live, retryDays: days, at: day(30)) == .leave)
    }

    @Test func retriesCountFromTheFirstAttempt() {
        #expect(InvoiceDunning.decide(declined(1...1), retryDays: days, at: day(0.99)) == .leave)
        #expect(InvoiceDunning.decide(declined(1...1), retryDays: days, at: day(1)) == .charge(attempt: 2))
        #expect(InvoiceDunning.decide(declined(1...2), retryDays: days, at: day(2.9)) == .leave)
        #expect(InvoiceDunning.decide(declined(1...2), retryDays: days, at: day(3)) == .charge(attempt: 3))
        #expect(InvoiceDunning.decide(declined(1...3), retryDays: days, at: day(7)) == .charge(attempt: 4))
        #expect(InvoiceDunning.decide(declined(1...4), retryDays: days, at: day(7.5)) == .exhausted(attempts: 4))
        // A retry that missed its day (no scan ran) is made at the next scan, once.
        #expect(InvoiceDunning.decide(declined(1...1), retryDays: days, at: day(20)) == .charge(attempt: 2))
    }

    @Test func noRetryDaysMeansOneAttempt() {
        #expect(InvoiceDunning.decide(declined(1...1), retryDays: [], at: day(1)) == .exhausted(attempts: 1))
    }

    @Test func retryDaysAreIncreasingWholeDays() {
        #expect(DueInvoiceCollection.problem(retryDays: [1, 3, 7]) == nil)
        #expect(DueInvoiceCollection.problem(retryDays: []) == nil)
        for bad in [[0], [3, 1], [2, 2], [91], Array(1...11)] { #expect(DueInvoiceCollection.problem(retryDays: bad) != nil, "\(bad)") }
    }

    @Test func aScanRoundTripsThroughItsJobPayload() throws {
        let collection = DueInvoiceCollection(ledgerConnectionId: UUID(), payTraceConnectionId: UUID(), retryDays: [2, 5])
        let scan = DueInvoiceScan(scheduleId: UUID(), collection: collection, at: first, dueBy: "2027-01-15", page: 3, pass: 2, madeInPass: true, waits: 4)
        #expect(DueInvoiceScan(json: try #require(JSONValue(parsing: scan.json.canonicalText))) == scan)
        #expect(scan.next(morePages: true, madeRequests: false)?.page == 4)
        #expect(scan.next(morePages: false, madeRequests: false)?.pass == 3)
        let quiet = DueInvoiceScan(scheduleId: nil, collection: collection, at: first, dueBy: "2027-01-15")
        #expect(quiet.next(morePages: false, madeRequests: false) == nil)
    }
}
