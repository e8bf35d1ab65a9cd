public import Foundation
import Domain

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

    /// A settled batch's transactions, their cards masked to the last four.
    public func batchTransactions(number: Int) throws -> [PayTraceExportedTransaction] {
        Self.transactions(in: try call("v1/batches/transaction_list", ["batch_number": number]), batchNumber: number)
    }

    /// Settled batches with their transactions, each card showing its first six digits, which
    /// tell its brand (fees differ by brand). `transaction_list` offers no `include_bin` (only the
    /// transaction exports do), so the BINs come from one `export/by_date_range` over the days the
    /// batches' transactions were made.
    public func settledWithBins(_ batches: [PayTraceBatch]) throws -> [(PayTraceBatch, [PayTraceExportedTransaction])] {
        let settled = try batches.map { ($0, try batchTransactions(number: $0.number)) }
        // yyyy-MM-dd days sort as text.
        let days = settled.flatMap { $0.1.compactMap { Timestamp.isoDay(fromUS: $0.createdAt) } }
        guard let first = days.min().flatMap(Timestamp.usDay), let last = days.max().flatMap(Timestamp.usDay) else { return settled }
        let bins = Dictionary(
            try exportTransactions(from: first, to: last, includeBin: true).map { ($0.transactionId, $0.maskedCardNumber) },
            uniquingKeysWith: { first, _ in first })
        return settled.map { batch, transactions in (batch, transactions.map { $0.masked(bins[$0.transactionId] ?? nil) }) }
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
