import Foundation
import Domain
import HTTPServer

/// PayTrace v1 transactions in the emulator: keyed sale and authorization (a $0 authorization
/// verifies a card), void, refund for a transaction and keyed, settle, and the exports pollers
/// read. One state machine per transaction (reference section 12): a sale waits for settlement;
/// an authorization for its capture (112; 816 when there is nothing to capture, never beyond the
/// amount authorized); void only before settlement (818), refund only after it (817) and never
/// beyond the amount; unknown ids 811. Error texts are PayTrace's own, as recorded in
/// ActiveMerchant's fixtures. Only the card's first six and last four digits are kept. The
/// vault, batches, exports, checks and Level 3 data are in the extensions beside this file.
final class PayTraceTransactions: Sendable {
    struct Transaction {
        let id: Int
        let type: String
        var amount: Decimal
        let card: PayTraceCard
        let created: Date
        /// The emulator's own state machine (AUTHORIZED, PENDING_SETTLEMENT, SETTLED, VOIDED,
        /// DECLINED); exports do not carry it, PayTrace documents no such field.
        var status: String
        var settled: Date?
        var refunded: Decimal = 0
        let invoiceId: String?
        let approved: Bool
        var customerId: String? = nil
        var batchNumber: Int? = nil
        /// What the request said of the sale: description, addresses, e-mail, tax, PO number.
        var details: [String: Any] = [:]
        var approvalMessage = ""
        var avs = ""
        var csc = ""
        /// The code and message of the transaction's latest outcome (101 approved, 102 declined,
        /// 106 refunded, 109 voided, 112 captured): what an export's `status_code` and
        /// `status_message` say. Their values are not documented; the emulator's reading is this.
        var statusCode = 101
        var statusMessage = "Your transaction was successfully approved."
        var levelThree: [String: Any]? = nil
    }

    struct State {
        var transactions: [Int: Transaction] = [:]
        var nextId = 400_000_000
        var batch = 0
        var batches: [Int: Date] = [:]
        var customers: [String: VaultCustomer] = [:]
        var checks: [Int: Check] = [:]
    }

    let state = Locked(State())
    /// Hosted payment fields' client keys and tokens (`PayTraceProtect.swift`).
    let protect = Locked(ProtectState())

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
        router.add("POST", prefix + "/v1/transactions/refund/keyed", guarded { [self] in keyedRefund($0) })
        router.add("POST", prefix + "/v1/transactions/settle", guarded { [self] _ in settle() })
        router.add("POST", prefix + "/v1/transactions/export/by_id", guarded { [self] in exportById($0) })
        router.add("POST", prefix + "/v1/transactions/export/by_date_range", guarded { [self] in exportByDateRange($0) })
        router.add("POST", prefix + "/v1/transactions/sale/by_customer", guarded { [self] in byCustomer($0, type: "SALE") })
        router.add("POST", prefix + "/v1/transactions/authorization/keyed", guarded { [self] in keyed($0, type: "AUTHORIZATION") })
        router.add("POST", prefix + "/v1/transactions/authorization/by_customer", guarded { [self] in byCustomer($0, type: "AUTHORIZATION") })
        router.add("POST", prefix + "/v1/transactions/authorization/capture", guarded { [self] in capture($0) })
        vaultRoutes(into: &router, prefix: prefix, guarded: guarded)
        protectRoutes(into: &router, prefix: prefix, guarded: guarded)
        batchRoutes(into: &router, prefix: prefix, guarded: guarded)
        checkRoutes(into: &router, prefix: prefix, guarded: guarded)
        levelThreeRoutes(into: &router, prefix: prefix, guarded: guarded)
        router.add("POST", "/_sandbox/paytrace/month") { [self] request in generateMonth(request) }
    }

    func keyedSale(_ body: [String: Any]) -> Response { keyed(body, type: "SALE") }

    /// A keyed sale or authorization. An authorization of $0.00 is a card verification; a sale
    /// must be for more. A card past its expiry is declined as the processor declines it.
    func keyed(_ body: [String: Any], type: String) -> Response {
        var errors: [String: [String]] = [:]
        let amount = SandboxResponses.decimal(body["amount"])
        if amount == nil || amount! < 0 || (amount! == 0 && type != "AUTHORIZATION") {
            errors["33", default: []].append("Please provide a valid Transaction Amount.")
        }
        let card = Self.card(body, errors: &errors)
        if !errors.isEmpty { return Self.errors(errors) }
        let transaction = state.withLock {
            record(&$0, amount: amount!, card: card, body: body, customerId: nil, type: type)
        }
        var reply = Self.saleReply(transaction)
        reply["masked_card_number"] = "xxxxxxxxxxxx" + card.last4
        return SandboxResponses.json(200, reply)
    }

    /// A sale or authorization, approved unless its amount is a decline amount or its card has expired.
    func record(
        _ state: inout State, amount: Decimal, card: PayTraceCard, body: [String: Any], customerId: String?, type: String = "SALE", at created: Date = Date()
    ) -> Transaction {
        let decline = Self.decline(amount: amount, card: card)
        state.nextId += 1
        // An authorization waits for its capture; a sale for settlement.
        let pending = type == "SALE" ? "PENDING_SETTLEMENT" : "AUTHORIZED"
        var t = Transaction(
            id: state.nextId, type: type, amount: amount, card: card, created: created, status: decline == nil ? pending : "DECLINED",
            invoiceId: body["invoice_id"] as? String, approved: decline == nil, customerId: customerId)
        t.details = body.filter { Self.detailFields.contains($0.key) }
        t.approvalMessage = decline ?? "APPROVAL TAS\(t.id % 1000)  - Approved and completed"
        t.csc = (body["csc"] as? String).map { $0.isEmpty ? "" : "Match" } ?? ""
        t.avs = ((body["billing_address"] as? [String: Any])?["zip"] as? String).map { _ in "Full Exact Match" } ?? "0"
        t.statusCode = decline == nil ? 101 : 102
        t.statusMessage = decline == nil ? "Your transaction was successfully approved." : "Your transaction was not approved."
        state.transactions[t.id] = t
        return t
    }

    /// Request fields a transaction keeps for its exports.
    static let detailFields: Set<String> = [
        "description", "billing_address", "shipping_address", "email", "tax_amount", "customer_reference_id", "discretionary_data",
    ]

    /// Amounts PayTrace's sandbox declines, and why (reference section 3: 0.29 is an expired-card
    /// decline in its remote tests, 112.00 ActiveMerchant's "declined amount").
    static func decline(amount: Decimal, card: PayTraceCard) -> String? {
        if amount == Decimal(string: "0.29")! || card.expired { return "    EXPIRED CARD - Expired card" }
        if amount == Decimal(string: "112.00")! { return "    DECLINE      - Do not honor" }
        return nil
    }

    static func saleReply(_ transaction: Transaction) -> [String: Any] {
        let approved = transaction.approved
        return [
            "success": approved, "response_code": transaction.statusCode, "status_message": transaction.statusMessage,
            "transaction_id": transaction.id, "approval_code": approved ? "TAS\(transaction.id % 1000)" : "",
            "approval_message": transaction.approvalMessage, "avs_response": transaction.avs, "csc_response": transaction.csc,
            "external_transaction_id": "",
        ]
    }

    static let notFound = ["811": ["The Transaction ID that you provided was not found."]]
    static let invalidId = ["58": ["Please provide a valid Transaction ID."]]

    func void(_ body: [String: Any]) -> Response {
        let outcome = state.withLock { state -> Response in
            guard let id = Self.id(body["transaction_id"]) else { return Self.errors(Self.invalidId) }
            guard var t = state.transactions[id], t.approved else { return Self.errors(Self.notFound) }
            guard t.settled == nil, t.status != "VOIDED" else {
                return Self.errors([
                    "818": ["The Transaction ID that you provided could not be voided. Only transactions that are pending settlement can be voided."]
                ])
            }
            t.status = "VOIDED"
            (t.statusCode, t.statusMessage) = (109, "Your transaction was successfully voided.")
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
            guard let id = Self.id(body["transaction_id"]) else { return Self.errors(Self.invalidId) }
            guard var t = state.transactions[id], t.approved else { return Self.errors(Self.notFound) }
            let amount = SandboxResponses.decimal(body["amount"]) ?? t.amount
            // A $0 verification has nothing to capture.
            guard t.type == "AUTHORIZATION", t.status == "AUTHORIZED", amount > 0, amount <= t.amount else {
                return Self.errors([
                    "816": ["The Transaction ID that you provided could not be captured. Only uncaptured, approved authorizations can be captured."]
                ])
            }
            t.amount = amount
            t.status = "PENDING_SETTLEMENT"
            (t.statusCode, t.statusMessage) = (112, "Your transaction was successfully captured.")
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
            guard let id = Self.id(body["transaction_id"]) else { return Self.errors(Self.invalidId) }
            guard var t = state.transactions[id], t.approved else { return Self.errors(Self.notFound) }
            guard t.settled != nil else {
                return Self.errors([
                    "817": [
                        "The Transaction ID that you provided could not be refunded. Only settled transactions can be refunded.  Please try to void the transaction instead."
                    ]
                ])
            }
            let amount = SandboxResponses.decimal(body["amount"]) ?? (t.amount - t.refunded)
            guard amount > 0, t.refunded + amount <= t.amount else {
                return Self.errors(["817": ["The refund amount exceeds the amount of the original transaction."]])
            }
            t.refunded += amount
            state.transactions[id] = t
            let refund = refundRecord(&state, amount: amount, card: t.card, body: body, invoiceId: t.invoiceId, customerId: t.customerId)
            return SandboxResponses.json(200, Self.refundReply(refund, masked: false))
        }
    }

    /// A refund to a card keyed in, with no sale behind it.
    func keyedRefund(_ body: [String: Any]) -> Response {
        var errors: [String: [String]] = [:]
        let amount = SandboxResponses.decimal(body["amount"])
        if amount == nil || amount! <= 0 { errors["33", default: []].append("Please provide a valid Transaction Amount.") }
        let card = Self.card(body, errors: &errors)
        if !errors.isEmpty { return Self.errors(errors) }
        return state.withLock { state in
            let refund = refundRecord(&state, amount: amount!, card: card, body: body, invoiceId: body["invoice_id"] as? String, customerId: nil)
            return SandboxResponses.json(200, Self.refundReply(refund, masked: true))
        }
    }

    func refundRecord(
        _ state: inout State, amount: Decimal, card: PayTraceCard, body: [String: Any], invoiceId: String?, customerId: String?, at created: Date = Date()
    ) -> Transaction {
        state.nextId += 1
        var refund = Transaction(
            id: state.nextId, type: "REFUND", amount: amount, card: card, created: created, status: "PENDING_SETTLEMENT", invoiceId: invoiceId,
            approved: true, customerId: customerId)
        refund.details = body.filter { Self.detailFields.contains($0.key) }
        (refund.statusCode, refund.statusMessage) = (106, "Your transaction was successfully refunded.")
        state.transactions[refund.id] = refund
        return refund
    }

    /// Keyed refunds also name the card (reference section 3).
    static func refundReply(_ refund: Transaction, masked: Bool) -> [String: Any] {
        var reply: [String: Any] = [
            "success": true, "response_code": 106, "status_message": refund.statusMessage, "transaction_id": refund.id, "external_transaction_id": "",
        ]
        if masked { reply["masked_card_number"] = "xxxxxxxxxxxx" + refund.card.last4 }
        return reply
    }

    func settle() -> Response {
        state.withLock { state -> Response in
            let count = Self.closeBatch(&state, at: Date())
            return SandboxResponses.json(
                200,
                [
                    "success": true, "response_code": 1, "status_message": "Your request has been successfully completed.",
                    "batch_number": state.batch, "transaction_count": count,
                ])
        }
    }

    /// Closes the open batch at `when`: every approved transaction pending settlement settles in
    /// it. Returns how many did.
    static func closeBatch(_ state: inout State, at when: Date) -> Int {
        state.batch += 1
        state.batches[state.batch] = when
        var count = 0
        for (id, t) in state.transactions where t.approved && t.settled == nil && t.status == "PENDING_SETTLEMENT" {
            state.transactions[id]?.settled = when
            state.transactions[id]?.status = "SETTLED"
            state.transactions[id]?.batchNumber = state.batch
            count += 1
        }
        return count
    }

    /// The `credit_card` object as the emulator keeps it (first six and last four digits, expiry),
    /// adding PayTrace's errors 35 (number), 43 (month) and 44 (year).
    static func card(_ body: [String: Any], errors: inout [String: [String]]) -> PayTraceCard {
        let card = body["credit_card"] as? [String: Any] ?? [:]
        let number = (card["number"] as? String ?? "").filter(\.isNumber)
        if !luhn(number) { errors["35", default: []].append("Please provide a valid Credit Card Number.") }
        let month = Int("\(card["expiration_month"] ?? "")") ?? 0
        if !(1...12).contains(month) { errors["43", default: []].append("Please provide a valid Expiration Month.") }
        var year = Int("\(card["expiration_year"] ?? "")") ?? 0
        if (0..<100).contains(year), card["expiration_year"] != nil { year += 2000 }
        if year < 2000 { errors["44", default: []].append("Please provide a valid Expiration Year.") }
        return PayTraceCard(bin: String(number.prefix(6)), last4: String(number.suffix(4)), month: month, year: year)
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
    /// "M/D/YYYY h:mm:ss AM" in UTC, written from the RFC 3339 text rather than by a
    /// DateFormatter: an export of a month writes sixty thousand of them.
    static func payTraceTime(_ date: Date) -> String {
        let iso = Array(Timestamp.format(date).utf8)  // YYYY-MM-DDTHH:MM:SS.ffffffZ
        func number(_ from: Int, _ count: Int) -> Int { iso[from..<(from + count)].reduce(0) { $0 * 10 + Int($1 - 48) } }
        let hour = number(11, 2)
        let clock = hour % 12 == 0 ? 12 : hour % 12
        let time = String(format: "%d:%02d:%02d", clock, number(14, 2), number(17, 2))
        return "\(number(5, 2))/\(number(8, 2))/\(number(0, 4)) \(time) \(hour < 12 ? "AM" : "PM")"
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
