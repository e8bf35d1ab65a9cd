import Foundation
import HTTPServer

/// Settlement batches (reference section 6): `settle` closes the open batch and numbers it;
/// `batches/export_one` summarises one batch (the open one when no number is given),
/// `batches/export` lists settled batches in a date range, `batches/transaction_list` lists a
/// batch's transactions. The JSON names of a batch's counts and amounts are not confirmed by the
/// reference; these follow its legacy names (TRANXCOUNT, NETAMOUNT, SALESCOUNT, ...) in snake
/// case. No fees: PayTrace reports gross amounts.
extension PayTraceTransactions {
    func batchRoutes(into router: inout Router<SandboxHandler>, prefix: String, guarded: Guarded) {
        router.add("POST", prefix + "/v1/batches/export_one", guarded { [self] in exportOneBatch($0) })
        router.add("POST", prefix + "/v1/batches/export", guarded { [self] in exportBatches($0) })
        router.add("POST", prefix + "/v1/batches/transaction_list", guarded { [self] in batchTransactions($0) })
    }

    func exportOneBatch(_ body: [String: Any]) -> Response {
        state.withLock { state -> Response in
            if body["batch_number"] != nil {
                guard let number = Self.id(body["batch_number"]), let when = state.batches[number] else {
                    return Self.errors(["813": ["The Batch Number that you provided could not be found."]])
                }
                return Self.completed(["batch": Self.summary(number: number, when: when, state.transactions.values.filter { $0.batchNumber == number })])
            }
            let open = state.transactions.values.filter { $0.approved && $0.settled == nil && $0.status == "PENDING_SETTLEMENT" }
            return Self.completed(["batch": Self.summary(number: state.batch + 1, when: nil, Array(open))])
        }
    }

    func exportBatches(_ body: [String: Any]) -> Response {
        guard let start = Self.date(body["start_date"]), let end = Self.date(body["end_date"]) else {
            return Self.errors(["39": ["Please provide a valid Start Date and End Date (MM/DD/YYYY)."]])
        }
        let until = end.addingTimeInterval(86_400)
        return state.withLock { state -> Response in
            let batches = state.batches.filter { $0.value >= start && $0.value < until }.sorted { $0.key < $1.key }
            return Self.completed([
                "batches": batches.map { number, when in
                    Self.summary(number: number, when: when, state.transactions.values.filter { $0.batchNumber == number })
                }
            ])
        }
    }

    func batchTransactions(_ body: [String: Any]) -> Response {
        let found = state.withLock { state -> [Transaction]? in
            guard let number = Self.id(body["batch_number"]), state.batches[number] != nil else { return nil }
            return state.transactions.values.filter { $0.batchNumber == number }.sorted { $0.id < $1.id }
        }
        guard let found else { return Self.errors(["813": ["The Batch Number that you provided could not be found."]]) }
        // `include_bin` is documented for the transaction exports only, not here: masked as always.
        return Self.exported(found, includeBin: false)
    }

    static func summary(number: Int, when: Date?, _ transactions: [Transaction]) -> [String: Any] {
        let sales = transactions.filter { $0.type == "SALE" }
        let refunds = transactions.filter { $0.type == "REFUND" }
        let salesAmount = sales.reduce(Decimal(0)) { $0 + $1.amount }
        let refundAmount = refunds.reduce(Decimal(0)) { $0 + $1.amount }
        return [
            "number": number, "created": when.map(payTraceTime) ?? "", "status": when == nil ? "open" : "settled",
            "transaction_count": transactions.count, "sales_count": sales.count, "sales_amount": SandboxResponses.jsonNumber(salesAmount),
            "refund_count": refunds.count, "refund_amount": SandboxResponses.jsonNumber(refundAmount),
            "net_amount": SandboxResponses.jsonNumber(salesAmount - refundAmount),
        ]
    }

    static func completed(_ fields: [String: Any]) -> Response {
        SandboxResponses.json(
            200,
            ["success": true, "response_code": 1, "status_message": "Your request has been successfully completed."]
                .merging(fields) { $1 })
    }
}
