import Foundation
import HTTPServer

/// Checks (ACH) in PayTrace v1 (reference section 3, from ActiveMerchant's fixtures): a sale or
/// hold by account (`check{account_number, routing_number}`) or by vault customer, refund, and
/// manage (fund a hold, void one not yet settled). Replies carry `check_transaction_id` and codes
/// 120 processed, 122 refunded, 124 managed; errors 45 (account number), 46 (routing number,
/// which must pass the ABA checksum), 80 (no such check, or already voided or settled). The
/// emulator keeps only the account's last four digits.
extension PayTraceTransactions {
    struct Check {
        let id: Int
        var amount: Decimal
        let last4: String
        let customerId: String?
        /// PROCESSED, HELD, VOIDED, REFUNDED.
        var status: String
        var refunded: Decimal = 0
    }

    func checkRoutes(into router: inout Router<SandboxHandler>, prefix: String, guarded: Guarded) {
        router.add("POST", prefix + "/v1/checks/sale/by_account", guarded { [self] in checkByAccount($0, hold: false) })
        router.add("POST", prefix + "/v1/checks/hold/by_account", guarded { [self] in checkByAccount($0, hold: true) })
        router.add("POST", prefix + "/v1/checks/sale/by_customer", guarded { [self] in checkByCustomer($0, hold: false) })
        router.add("POST", prefix + "/v1/checks/hold/by_customer", guarded { [self] in checkByCustomer($0, hold: true) })
        router.add("POST", prefix + "/v1/checks/refund/by_transaction", guarded { [self] in refundCheck($0) })
        router.add("POST", prefix + "/v1/checks/manage/fund", guarded { [self] in manageCheck($0, fund: true) })
        router.add("POST", prefix + "/v1/checks/manage/void", guarded { [self] in manageCheck($0, fund: false) })
    }

    func checkByAccount(_ body: [String: Any], hold: Bool) -> Response {
        var errors: [String: [String]] = [:]
        let amount = SandboxResponses.decimal(body["amount"])
        if amount == nil || amount! <= 0 { errors["33", default: []].append("Please provide a valid Transaction Amount.") }
        let check = body["check"] as? [String: Any] ?? [:]
        let account = "\(check["account_number"] ?? "")".filter(\.isNumber)
        if !(4...17).contains(account.count) { errors["45", default: []].append("Please provide a valid Checking Account Number.") }
        if !Self.validRouting("\(check["routing_number"] ?? "")") { errors["46", default: []].append("Please provide a valid Transit Routing Number.") }
        if !errors.isEmpty { return Self.errors(errors) }
        return record(check: Check(id: 0, amount: amount!, last4: String(account.suffix(4)), customerId: nil, status: hold ? "HELD" : "PROCESSED"))
    }

    func checkByCustomer(_ body: [String: Any], hold: Bool) -> Response {
        guard let amount = SandboxResponses.decimal(body["amount"]), amount > 0 else {
            return Self.errors(["33": ["Please provide a valid Transaction Amount."]])
        }
        guard let customerId = body["customer_id"] as? String, state.withLock({ $0.customers[customerId] }) != nil else {
            return Self.errors(["30": ["Customer ID is not found."]])
        }
        return record(check: Check(id: 0, amount: amount, last4: "", customerId: customerId, status: hold ? "HELD" : "PROCESSED"))
    }

    private func record(check: Check) -> Response {
        let id = state.withLock { state -> Int in
            state.nextId += 1
            var stored = check
            stored = Check(id: state.nextId, amount: check.amount, last4: check.last4, customerId: check.customerId, status: check.status)
            state.checks[stored.id] = stored
            return stored.id
        }
        let held = check.status == "HELD"
        return SandboxResponses.json(
            200,
            [
                "success": true, "response_code": 120, "status_message": held ? "Your check was successfully held." : "Your check was successfully processed.",
                "check_transaction_id": id, "external_transaction_id": "",
            ])
    }

    func refundCheck(_ body: [String: Any]) -> Response {
        state.withLock { state -> Response in
            guard let id = Self.id(body["check_transaction_id"]), var check = state.checks[id], check.status == "PROCESSED" else {
                return Self.errors(["80": ["The Check ID that you provided was not found, or has already been voided or settled."]])
            }
            let amount = SandboxResponses.decimal(body["amount"]) ?? (check.amount - check.refunded)
            guard amount > 0, check.refunded + amount <= check.amount else {
                return Self.errors(["33": ["Please provide a valid Transaction Amount."]])
            }
            check.refunded += amount
            if check.refunded == check.amount { check.status = "REFUNDED" }
            state.checks[id] = check
            state.nextId += 1
            return SandboxResponses.json(
                200,
                [
                    "success": true, "response_code": 122, "status_message": "Your check was successfully refunded.", "check_transaction_id": state.nextId,
                    "external_transaction_id": "",
                ])
        }
    }

    /// Funding releases a held check; voiding cancels one not yet settled.
    func manageCheck(_ body: [String: Any], fund: Bool) -> Response {
        state.withLock { state -> Response in
            guard let id = Self.id(body["check_transaction_id"]), var check = state.checks[id],
                fund ? check.status == "HELD" : (check.status == "HELD" || check.status == "PROCESSED")
            else {
                return Self.errors(["80": ["The Check ID that you provided was not found, or has already been voided or settled."]])
            }
            check.status = fund ? "PROCESSED" : "VOIDED"
            state.checks[id] = check
            return SandboxResponses.json(
                200,
                [
                    "success": true, "response_code": 124,
                    "status_message": fund ? "Your check was successfully funded." : "Your check was successfully voided.", "check_transaction_id": id,
                ])
        }
    }

    /// Nine digits whose weighted sum (3, 7, 1) is a multiple of ten: the ABA checksum.
    static func validRouting(_ text: String) -> Bool {
        let digits = text.compactMap(\.wholeNumberValue)
        guard digits.count == 9, text.count == 9 else { return false }
        let weights = [3, 7, 1, 3, 7, 1, 3, 7, 1]
        return zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 10 == 0
    }
}
