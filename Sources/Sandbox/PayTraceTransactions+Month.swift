import Foundation
import HTTPServer
import Domain

/// A deterministic month of merchant activity, for reconciliation's tests, benchmarks and the
/// demo: `POST /_sandbox/paytrace/month {"seed", "start": "yyyy-MM-dd", "days", "sales_per_day"}`.
/// Each day has its sales (Visa, Mastercard, Amex and Discover test cards, amounts from 1.00 to
/// 500.00, some declined), a void or two before the batch closes, refunds of earlier settled
/// sales, and one batch settled at 23:00 UTC. The same seed gives the same transactions, amounts
/// and batches, in the same order, in any sandbox that starts empty.
extension PayTraceTransactions {
    static let monthCards = ["4012000098765439", "5499740000000057", "371449635392376", "6011000993026909", "4111111111111111", "5555555555554444"]

    func generateMonth(_ request: Request) -> Response {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        guard let seed = body["seed"] as? Int, let startText = body["start"] as? String, let start = Self.day(startText),
            let days = body["days"] as? Int, (1...62).contains(days), let perDay = body["sales_per_day"] as? Int, (1...2000).contains(perDay)
        else {
            return SandboxResponses.json(400, ["error": "send seed, start (yyyy-MM-dd), days (1-62) and sales_per_day (1-2000)"])
        }
        var random = SeededRandom(seed: UInt64(truncatingIfNeeded: seed))
        return state.withLock { state in
            var counts = ["sales": 0, "declines": 0, "voids": 0, "refunds": 0]
            var firstBatch: Int?
            var settledSales: [Int] = []
            for day in 0..<days {
                let midnight = start.addingTimeInterval(Double(day) * 86_400)
                var today: [Int] = []
                for index in 0..<perDay {
                    let at = midnight.addingTimeInterval(Double(8 * 3600 + index * (14 * 3600) / perDay))
                    let number = Self.monthCards[Int(random.next() % UInt64(Self.monthCards.count))]
                    let card = PayTraceCard(bin: String(number.prefix(6)), last4: String(number.suffix(4)), month: 12, year: 2031)
                    // One in forty is for a decline amount.
                    let declined = random.next() % 40 == 0
                    let amount = declined ? Decimal(string: "112.00")! : Decimal(Int(random.next() % 49_901) + 100) / 100
                    let customer = "month-\(seed)-cust-\(random.next() % 200)"
                    let t = record(
                        &state, amount: amount, card: card,
                        body: [
                            "invoice_id": "M\(seed)-\(day)-\(index)", "description": "Order \(day)-\(index)",
                            "billing_address": ["name": "Customer \(customer)"],
                        ],
                        customerId: customer, at: at)
                    if t.approved { today.append(t.id) } else { counts["declines", default: 0] += 1 }
                    counts["sales", default: 0] += 1
                }
                // A void before the batch closes, about one day in two.
                if random.next() % 2 == 0, let voided = today.popLast() {
                    state.transactions[voided]?.status = "VOIDED"
                    state.transactions[voided]?.statusCode = 109
                    state.transactions[voided]?.statusMessage = "Your transaction was successfully voided."
                    counts["voids", default: 0] += 1
                }
                // Refunds of sales settled on earlier days: part of the amount, one or two a day.
                for _ in 0..<Int(random.next() % 3) where !settledSales.isEmpty {
                    let original = settledSales[Int(random.next() % UInt64(settledSales.count))]
                    guard var sale = state.transactions[original], sale.refunded == 0 else { continue }
                    let part = max(Decimal(1) / 100, FeeSchedule.cents(sale.amount * Decimal(Int(random.next() % 90) + 10) / 100))
                    sale.refunded = part
                    state.transactions[original] = sale
                    _ = refundRecord(
                        &state, amount: part, card: sale.card, body: [:], invoiceId: sale.invoiceId, customerId: sale.customerId,
                        at: midnight.addingTimeInterval(20 * 3600))
                    counts["refunds", default: 0] += 1
                }
                _ = Self.closeBatch(&state, at: midnight.addingTimeInterval(23 * 3600))
                firstBatch = firstBatch ?? state.batch
                settledSales += today
            }
            return SandboxResponses.json(
                200,
                [
                    "seed": seed, "days": days, "first_batch": firstBatch ?? 0, "last_batch": state.batch, "sales": counts["sales"]!,
                    "declines": counts["declines"]!, "voids": counts["voids"]!, "refunds": counts["refunds"]!,
                ])
        }
    }

    /// `yyyy-MM-dd` at midnight UTC.
    static func day(_ text: String) -> Date? {
        SandboxResponses.formatter("yyyy-MM-dd").date(from: text)
    }
}
