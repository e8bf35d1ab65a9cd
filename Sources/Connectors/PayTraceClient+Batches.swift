public import Foundation

/// A settlement batch's totals (reference section 6). PayTrace reports gross amounts: fees come
/// from the processor's statement, not from here.
public struct PayTraceBatch: Sendable, Equatable {
    public let number: Int
    /// PayTrace's "M/D/YYYY h:mm:ss AM" text; empty for the open batch.
    public let settledAt: String
    public let transactionCount: Int
    public let salesCount: Int
    public let salesAmount: Decimal
    public let refundCount: Int
    public let refundAmount: Decimal
    public let netAmount: Decimal
}

extension PayTraceClient {
    /// Batches settled between two days (inclusive), `MM/DD/YYYY`.
    public func exportBatches(from start: String, to end: String) throws -> [PayTraceBatch] {
        let reply = try call("v1/batches/export", ["start_date": start, "end_date": end])
        return (reply.object["batches"] as? [[String: Any]] ?? []).compactMap(Self.batch)
    }

    /// One batch by number, or the open (not yet settled) one.
    public func batch(number: Int? = nil) throws -> PayTraceBatch? {
        let reply = try call("v1/batches/export_one", number.map { ["batch_number": $0] } ?? [:])
        return (reply.object["batch"] as? [String: Any]).flatMap(Self.batch)
    }

    /// A settled batch's transactions; `includeBin` shows each card's first six digits, which
    /// tell its brand (fees differ by brand).
    public func batchTransactions(number: Int, includeBin: Bool = false) throws -> [PayTraceExportedTransaction] {
        var body: [String: Any] = ["batch_number": number]
        if includeBin { body["include_bin"] = true }
        return Self.transactions(in: try call("v1/batches/transaction_list", body), batchNumber: number)
    }

    static func batch(_ item: [String: Any]) -> PayTraceBatch? {
        guard let number = item["number"] as? Int else { return nil }
        return PayTraceBatch(
            number: number, settledAt: item["created"] as? String ?? "", transactionCount: item["transaction_count"] as? Int ?? 0,
            salesCount: item["sales_count"] as? Int ?? 0, salesAmount: decimal(item["sales_amount"]) ?? 0,
            refundCount: item["refund_count"] as? Int ?? 0, refundAmount: decimal(item["refund_amount"]) ?? 0,
            netAmount: decimal(item["net_amount"]) ?? 0)
    }
}
