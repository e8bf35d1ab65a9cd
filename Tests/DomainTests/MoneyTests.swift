import Foundation
import Testing
import Domain

@Suite("Money as Decimal with an ISO currency")
struct MoneyTests {
    @Test(arguments: [
        ("12.3", "USD", "12.30"), ("1000", "JPY", "1000"), ("0.125", "USD", "0.12"), ("0.135", "USD", "0.14"),
        ("-5.5", "EUR", "-5.50"), ("1.2345", "KWD", "1.234"), ("0", "USD", "0.00"),
    ])
    func formatsToTheMinorUnitWithBankersRounding(_ amount: String, _ currency: String, _ expected: String) throws {
        let money = try #require(Money(string: amount, currency: currency))
        #expect(money.formatted == expected)
    }

    @Test(arguments: ["", "1e5", "1,000.00", "12.", ".", "--1", "abc", "1.2.3"])
    func rejectsNonDecimalStrings(_ text: String) {
        #expect(Money(string: text, currency: "USD") == nil)
    }

    @Test(arguments: ["usd", "US", "USDX", "12A"])
    func rejectsBadCurrencyCodes(_ code: String) {
        #expect(Money(string: "1.00", currency: code) == nil)
    }

    @Test func splittingNeverLosesACent() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let cents = Int.random(in: 0...10_000_000, using: &generator)
            let total = Money(amount: Decimal(cents) / 100, currency: "USD")!
            let parts = Int.random(in: 1...7, using: &generator)
            let share = Money(amount: total.amount / Decimal(parts), currency: "USD")!.rounded()
            let last = Money(amount: total.amount - share.amount * Decimal(parts - 1), currency: "USD")!
            let sum = share.amount * Decimal(parts - 1) + last.amount
            #expect(sum == total.amount)
        }
    }
}
