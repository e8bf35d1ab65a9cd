import Foundation
import HTTPServer

/// Transaction exports (reference section 6): by id, and by date range with the documented
/// filters (`transaction_type`, `customer_id`, `transaction_id`, and `including_text`, a search
/// of the transaction's text: invoice, description, customer, PO number, billing name and
/// e-mail). Each record has the documented fields and no others: PayTrace has no `status`
/// field; `status_code` and `status_message` say the latest outcome, `settled` when it settled.
/// `include_bin` shows the card's first six digits.
extension PayTraceTransactions {
    func exportById(_ body: [String: Any]) -> Response {
        guard let id = Self.id(body["transaction_id"]), let t = state.withLock({ $0.transactions[id] }) else { return Self.errors(Self.notFound) }
        return Self.exported([t], includeBin: Self.flag(body["include_bin"]))
    }

    func exportByDateRange(_ body: [String: Any]) -> Response {
        guard let start = Self.date(body["start_date"]), let end = Self.date(body["end_date"]) else {
            return Self.errors(["39": ["Please provide a valid Start Date and End Date (MM/DD/YYYY)."]])
        }
        let until = end.addingTimeInterval(86_400)
        // transaction_type filters as the reference lists them; SETTLED, PENDING and DECLINED are states.
        let type = (body["transaction_type"] as? String)?.uppercased()
        let customer = body["customer_id"] as? String
        let transactionId = Self.id(body["transaction_id"])
        let text = (body["including_text"] as? String).flatMap { $0.isEmpty ? nil : $0.lowercased() }
        let found = state.withLock {
            $0.transactions.values.filter { t in
                guard t.created >= start && t.created < until else { return false }
                if let customer, t.customerId != customer { return false }
                if let transactionId, t.id != transactionId { return false }
                if let text, !Self.searchableText(t).contains(text) { return false }
                switch type {
                case nil, "": return true
                case "SETTLED": return t.settled != nil
                case "PENDING": return t.status == "PENDING_SETTLEMENT"
                case "DECLINED": return !t.approved
                case "VOID": return t.status == "VOIDED"
                case "STR/FWD": return false
                case let other?: return t.type == other
                }
            }
        }.sorted { $0.id < $1.id }
        return Self.exported(found, includeBin: Self.flag(body["include_bin"]))
    }

    /// The text `including_text` searches, lower-cased.
    static func searchableText(_ t: Transaction) -> String {
        let billing = t.details["billing_address"] as? [String: Any] ?? [:]
        return [
            t.invoiceId, t.details["description"] as? String, t.customerId, t.details["customer_reference_id"] as? String, billing["name"] as? String,
            t.details["email"] as? String, String(t.id),
        ].compactMap { $0 }.joined(separator: "\n").lowercased()
    }

    static func exported(_ transactions: [Transaction], includeBin: Bool = false) -> Response {
        SandboxResponses.json(
            200,
            [
                "success": true, "response_code": 1, "status_message": "Your request has been successfully completed.", "external_transaction_id": "",
                "transactions": transactions.map { record($0, includeBin: includeBin) },
            ])
    }

    static func record(_ t: Transaction, includeBin: Bool) -> [String: Any] {
        let details = t.details
        return [
            "transaction_id": t.id, "transaction_type": t.type, "amount": SandboxResponses.jsonNumber(t.amount),
            "credit_card": ["masked_number": t.card.masked(includeBin: includeBin), "expiration_month": t.card.month, "expiration_year": t.card.year],
            "description": details["description"] ?? "", "invoice_id": t.invoiceId ?? "", "customer_id": t.customerId ?? "",
            "billing_address": details["billing_address"] ?? [String: Any](), "shipping_address": details["shipping_address"] ?? [String: Any](),
            "receipt_emailed_to": details["email"] ?? "", "tax_amount": SandboxResponses.decimal(details["tax_amount"]).map(NSDecimalNumber.init) ?? 0,
            "customer_reference_id": details["customer_reference_id"] ?? "", "approval_code": t.approved ? "TAS\(t.id % 1000)" : "",
            "approval_message": t.approvalMessage, "avs_response": t.avs, "csc_response": t.csc, "status_code": t.statusCode,
            "status_message": t.statusMessage,
            "created": ["through": "API", "at": payTraceTime(t.created), "by": "demo-api-user", "from_ip": "127.0.0.1"],
            // Empty until settled, as the reference infers.
            "settled": t.settled.map(payTraceTime) ?? "",
            "discretionary_data": details["discretionary_data"] ?? [String: Any](),
        ]
    }

    /// `true`, `"true"` or `1`, as clients send a boolean.
    static func flag(_ value: Any?) -> Bool {
        switch value {
        case let flag as Bool: flag
        case let text as String: text.lowercased() == "true" || text == "1"
        case let number as NSNumber: number.intValue != 0
        default: false
        }
    }
}
