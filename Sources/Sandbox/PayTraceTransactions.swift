import Foundation
import HTTPServer

/// PayTrace v1 transactions in the emulator: keyed sale, void, refund for a transaction, settle,
/// and the exports pollers read. One state machine per transaction (reference section 12):
/// a sale waits for settlement; an authorization for its capture (112; 816 when there is nothing
/// to capture, never beyond the amount authorized); void only before settlement (818), refund
/// only after it (817) and never beyond the amount; unknown ids 811. Only the card's last four digits are kept. The customer
/// vault and settlement batches are in the extensions beside this file.
final class PayTraceTransactions: Sendable {
    struct Transaction {
        let id: Int
        let type: String
        var amount: Decimal
        let last4: String
        let created: Date
        var status: String
        var settled: Date?
        var refunded: Decimal = 0
        let invoiceId: String?
        let approved: Bool
        var customerId: String? = nil
        var batchNumber: Int? = nil
    }

    struct State {
        var transactions: [Int: Transaction] = [:]
        var nextId = 400_000_000
        var batch = 0
        var batches: [Int: Date] = [:]
        var customers: [String: VaultCustomer] = [:]
    }

    let state = Locked(State())
    /// Amounts PayTrace's sandbox declines (reference section 3).
    static let declinedAmounts: Set<Decimal> = [Decimal(string: "0.29")!, Decimal(string: "112.00")!]

    func routes(into router: inout Router<SandboxHandler>, prefix: String, emulator: PayTraceEmulator) {
        let guarded: (@escaping @Sendable ([String: Any]) -> Response) -> SandboxHandler = { handler in
            { request in
                if let refused = emulator.requireToken(request) { return refused }
                let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
                return handler(body)
            }
        }
        router.add("POST", prefix + "/v1/transactions/sale/keyed", guarded { [self] in keyedSale($0) })
        router.add("POST", prefix + "/v1/transactions/void", guarded { [self] in void($0) })
        router.add("POST", prefix + "/v1/transactions/refund/for_transaction", guarded { [self] in refund($0) })
        router.add("POST", prefix + "/v1/transactions/settle", guarded { [self] _ in settle() })
        router.add("POST", prefix + "/v1/transactions/export/by_id", guarded { [self] in exportById($0) })
        router.add("POST", prefix + "/v1/transactions/export/by_date_range", guarded { [self] in exportByDateRange($0) })
        router.add("POST", prefix + "/v1/transactions/sale/by_customer", guarded { [self] in byCustomer($0, type: "SALE") })
        router.add("POST", prefix + "/v1/transactions/authorization/keyed", guarded { [self] in keyed($0, type: "AUTHORIZATION") })
        router.add("POST", prefix + "/v1/transactions/authorization/by_customer", guarded { [self] in byCustomer($0, type: "AUTHORIZATION") })
        router.add("POST", prefix + "/v1/transactions/authorization/capture", guarded { [self] in capture($0) })
        vaultRoutes(into: &router, prefix: prefix, guarded: guarded)
        batchRoutes(into: &router, prefix: prefix, guarded: guarded)
    }

    func keyedSale(_ body: [String: Any]) -> Response { keyed(body, type: "SALE") }

    func keyed(_ body: [String: Any], type: String) -> Response {
        var errors: [String: [String]] = [:]
        let amount = SandboxResponses.decimal(body["amount"])
        if amount == nil || amount! <= 0 { errors["33", default: []].append("Please provide a valid Transaction Amount.") }
        let (number, _) = Self.card(body, errors: &errors)
        if !errors.isEmpty { return Self.errors(errors) }
        let transaction = state.withLock {
            record(&$0, amount: amount!, last4: String(number.suffix(4)), invoiceId: body["invoice_id"] as? String, customerId: nil, type: type)
        }
        var reply = Self.saleReply(transaction)
        reply["masked_card_number"] = "xxxxxxxxxxxx" + transaction.last4
        return SandboxResponses.json(200, reply)
    }

    /// A sale, approved unless its amount is one of the decline amounts.
    func record(_ state: inout State, amount: Decimal, last4: String, invoiceId: String?, customerId: String?, type: String = "SALE") -> Transaction {
        let approved = !Self.declinedAmounts.contains(amount)
        state.nextId += 1
        // An authorization waits for its capture; a sale for settlement.
        let pending = type == "SALE" ? "PENDING_SETTLEMENT" : "AUTHORIZED"
        let t = Transaction(
            id: state.nextId, type: type, amount: amount, last4: last4, created: Date(),
            status: approved ? pending : "DECLINED", invoiceId: invoiceId, approved: approved, customerId: customerId)
        state.transactions[t.id] = t
        return t
    }

    static func saleReply(_ transaction: Transaction) -> [String: Any] {
        let approved = transaction.approved
        return [
            "success": approved, "response_code": approved ? 101 : 102,
            "status_message": approved ? "Your transaction was successfully approved." : "Your transaction was not approved.",
            "transaction_id": transaction.id, "approval_code": approved ? "TAS\(transaction.id % 1000)" : "",
            "approval_message": approved ? "  NO  MATCH - Approved and completed" : "    DECLINE - Do not honor",
            "avs_response": "No Match", "csc_response": "", "external_transaction_id": "",
        ]
    }

    func void(_ body: [String: Any]) -> Response {
        let outcome = state.withLock { state -> Response in
            guard let id = Self.id(body["transaction_id"]) else { return Self.errors(["58": ["Please provide a valid Transaction ID."]]) }
            guard var t = state.transactions[id], t.approved else { return Self.errors(["811": ["The Transaction ID that you provided could not be found."]]) }
            guard t.settled == nil, t.status != "VOIDED" else { return Self.errors(["818": ["The Transaction ID that you provided could not be voided."]]) }
            t.status = "VOIDED"
            state.transactions[id] = t
            return SandboxResponses.json(
                200,
                [
                    "success": true, "response_code": 109, "status_message": "Your transaction was successfully voided.",
                    "transaction_id": id,
                ])
        }
        return outcome
    }

    func capture(_ body: [String: Any]) -> Response {
        state.withLock { state -> Response in
            guard let id = Self.id(body["transaction_id"]) else { return Self.errors(["58": ["Please provide a valid Transaction ID."]]) }
            guard var t = state.transactions[id], t.approved else { return Self.errors(["811": ["The Transaction ID that you provided could not be found."]]) }
            let amount = SandboxResponses.decimal(body["amount"]) ?? t.amount
            guard t.type == "AUTHORIZATION", t.status == "AUTHORIZED", amount > 0, amount <= t.amount else {
                return Self.errors(["816": ["The Transaction ID that you provided could not be captured."]])
            }
            t.amount = amount
            t.status = "PENDING_SETTLEMENT"
            state.transactions[id] = t
            return SandboxResponses.json(
                200,
                [
                    "success": true, "response_code": 112, "status_message": "Your transaction was successfully captured.",
                    "transaction_id": id, "external_transaction_id": "",
                ])
        }
    }

    func refund(_ body: [String: Any]) -> Response {
        state.withLock { state -> Response in
            guard let id = Self.id(body["transaction_id"]) else { return Self.errors(["58": ["Please provide a valid Transaction ID."]]) }
            guard var t = state.transactions[id], t.approved else { return Self.errors(["811": ["The Transaction ID that you provided could not be found."]]) }
            guard t.settled != nil else {
                return Self.errors(["817": ["The Transaction ID that you provided could not be refunded. Only settled transactions can be refunded."]])
            }
            let amount = SandboxResponses.decimal(body["amount"]) ?? (t.amount - t.refunded)
            guard amount > 0, t.refunded + amount <= t.amount else {
                return Self.errors(["817": ["The refund amount exceeds the amount of the original transaction."]])
            }
            t.refunded += amount
            state.transactions[id] = t
            state.nextId += 1
            let refund = Transaction(
                id: state.nextId, type: "REFUND", amount: amount, last4: t.last4, created: Date(), status: "PENDING_SETTLEMENT",
                invoiceId: t.invoiceId, approved: true)
            state.transactions[refund.id] = refund
            return SandboxResponses.json(
                200,
                [
                    "success": true, "response_code": 106, "status_message": "Your transaction was successfully refunded.",
                    "transaction_id": refund.id, "external_transaction_id": "",
                ])
        }
    }

    func settle() -> Response {
        state.withLock { state -> Response in
            state.batch += 1
            let now = Date()
            state.batches[state.batch] = now
            var count = 0
            for (id, t) in state.transactions where t.approved && t.settled == nil && t.status == "PENDING_SETTLEMENT" {
                state.transactions[id]?.settled = now
                state.transactions[id]?.status = "SETTLED"
                state.transactions[id]?.batchNumber = state.batch
                count += 1
            }
            return SandboxResponses.json(
                200,
                [
                    "success": true, "response_code": 1, "status_message": "Your request has been successfully completed.",
                    "batch_number": state.batch, "transaction_count": count,
                ])
        }
    }

    func exportById(_ body: [String: Any]) -> Response {
        guard let id = Self.id(body["transaction_id"]), let t = state.withLock({ $0.transactions[id] }) else {
            return Self.errors(["811": ["The Transaction ID that you provided could not be found."]])
        }
        return Self.exported([t])
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
        let found = state.withLock {
            $0.transactions.values.filter { t in
                guard t.created >= start && t.created < until else { return false }
                if let customer, t.customerId != customer { return false }
                if let transactionId, t.id != transactionId { return false }
                switch type {
                case nil, "": return true
                case "SETTLED": return t.settled != nil
                case "PENDING": return t.status == "PENDING_SETTLEMENT"
                case "DECLINED": return !t.approved
                case "VOID": return t.status == "VOIDED"
                case let other?: return t.type == other
                }
            }
        }.sorted { $0.id < $1.id }
        return Self.exported(found)
    }

    static func exported(_ transactions: [Transaction]) -> Response {
        SandboxResponses.json(
            200,
            [
                "success": true, "response_code": 1, "status_message": "Your request has been successfully completed.",
                "transactions": transactions.map { t -> [String: Any] in
                    var item: [String: Any] = [
                        "transaction_id": t.id, "transaction_type": t.type, "amount": NSDecimalNumber(decimal: t.amount).doubleValue,
                        "status": t.status, "approval_code": t.approved ? "TAS\(t.id % 1000)" : "",
                        "credit_card": ["masked_number": "************" + t.last4],
                        "created": ["at": payTraceTime(t.created), "by": "demo-api-user"],
                    ]
                    // Empty until settled, as the reference infers.
                    item["settled"] = t.settled.map(payTraceTime) ?? ""
                    if let invoice = t.invoiceId { item["invoice_id"] = invoice }
                    if let customer = t.customerId { item["customer_id"] = customer }
                    if let batch = t.batchNumber { item["batch_number"] = batch }
                    return item
                },
            ])
    }

    /// The `credit_card` object's digits and month, adding PayTrace's errors 35 (number) and 43 (month).
    static func card(_ body: [String: Any], errors: inout [String: [String]]) -> (number: String, month: Int) {
        let card = body["credit_card"] as? [String: Any] ?? [:]
        let number = (card["number"] as? String ?? "").filter(\.isNumber)
        if !luhn(number) { errors["35", default: []].append("Please provide a valid Credit Card Number.") }
        let month = Int("\(card["expiration_month"] ?? "")") ?? 0
        if !(1...12).contains(month) { errors["43", default: []].append("Please provide a valid Expiration Month.") }
        return (number, month)
    }

    static func errors(_ errors: [String: [String]]) -> Response {
        SandboxResponses.json(
            400,
            [
                "success": false, "response_code": 1, "status_message": "One or more errors has occurred.",
                "errors": errors, "external_transaction_id": "",
            ])
    }

    /// "4/10/2015 4:06:30 PM": US locale, no time zone (the sandbox speaks UTC).
    static func payTraceTime(_ date: Date) -> String {
        SandboxResponses.formatter("M/d/yyyy h:mm:ss a").string(from: date)
    }

    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        return SandboxResponses.formatter("MM/dd/yyyy").date(from: text)
    }

    static func id(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: number.intValue > 0 ? number.intValue : nil
        case let text as String: Int(text).flatMap { $0 > 0 ? $0 : nil }
        default: nil
        }
    }

    static func luhn(_ digits: String) -> Bool {
        guard (12...19).contains(digits.count) else { return false }
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            guard var digit = character.wholeNumberValue else { return false }
            if index % 2 == 1 { digit *= 2; if digit > 9 { digit -= 9 } }
            sum += digit
        }
        return sum % 10 == 0
    }
}
