import Foundation
import Domain

/// PayTrace's news as Clearline records it, whoever read it (the poller, a repair, the demo):
/// `(vendor event id, event type, payload)`, a transaction under `txn:<id>:<type>` (the key a
/// confirmed Silent Post uses too) and a settled batch under `batch:<number>`, card numbers masked.
public enum PayTraceEvents {
    public static func event(_ t: PayTraceExportedTransaction) -> (String, String, String) {
        let (masked, bin) = maskedAndBin(t.maskedCardNumber)
        var body: [String: Any] = [
            "transaction_id": t.transactionId, "transaction_type": t.type, "amount": "\(t.amount)", "status": t.status,
            "masked_card_number": masked ?? "", "created_at": t.createdAt, "settled_at": t.settledAt ?? "",
            "invoice_id": t.invoiceId ?? "", "customer_id": t.customerId ?? "",
        ]
        if let bin { body["card_bin"] = bin }
        // A sale seen before and voided since is news of its own: the void flow's, under its own id.
        if ["VOIDED", "VOID"].contains(t.status.uppercased()) {
            return ("txn:\(t.transactionId):void", "paytrace.transaction.void", json(["transaction": body]))
        }
        return ("txn:\(t.transactionId):\(t.type)", "paytrace.transaction.\(t.type.lowercased())", json(["transaction": body]))
    }

    public static func event(_ settled: (PayTraceBatch, [PayTraceExportedTransaction])) -> (String, String, String) {
        let (batch, transactions) = settled
        let body: [String: Any] = [
            "batch": [
                "number": batch.number, "settled_at": batch.settledAt, "transaction_count": batch.transactionCount,
                "sales_count": batch.salesCount, "sales_amount": "\(batch.salesAmount)", "refund_count": batch.refundCount,
                "refund_amount": "\(batch.refundAmount)", "net_amount": "\(batch.netAmount)",
            ],
            "transaction_ids": transactions.map(\.transactionId),
        ]
        return ("batch:\(batch.number)", "paytrace.batch.settled", json(body))
    }

    /// An export read with `include_bin` masks a card as `411111******1234`: the event keeps the
    /// masking flows have always keyed on (`************1234`), and the BIN apart (`card_bin`).
    static func maskedAndBin(_ number: String?) -> (String?, String?) {
        guard let number, number.count >= 10 else { return (number, nil) }
        let first = String(number.prefix(6)), last = String(number.suffix(4))
        guard first.allSatisfy(\.isNumber), last.allSatisfy(\.isNumber) else { return (number, nil) }
        return (String(repeating: "*", count: number.count - 4) + last, first)
    }

    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return CardNumberMasking.maskJSON(String(decoding: data, as: UTF8.self))
    }
}
