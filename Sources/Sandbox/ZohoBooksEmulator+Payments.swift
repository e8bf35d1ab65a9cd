import Foundation
import HTTPServer

/// Books customer payments (reference section 2.6): recorded against invoices (never a draft or
/// void one, never more than an invoice's balance), fetched, updated and deleted by id, found by
/// a unique custom field, and refunded out of their unused (excess) amount. A payment carries
/// `customer_name`, `unused_amount` and the `account_id` it was deposited to (Undeposited Funds
/// unless given), as Books returns them.
extension ZohoBooksEmulator {
    static let undepositedFunds = "460000000000358"

    func paymentRoutes(_ route: Register) {
        route("POST", "/customerpayments") { [self] _, body in createPayment(body) }
        route("GET", "/customerpayments") { [self] request, _ in list("customerpayments", request.query) }
        route("GET", "/customerpayments/{id}") { [self] request, _ in
            guard let payment = state.withLock({ $0.payments[request.pathParameters["id"] ?? ""] }) else { return Self.missing("Payment") }
            return SandboxResponses.json(200, ["code": 0, "message": "success", "payment": payment])
        }
        route("PUT", "/customerpayments/{id}") { [self] request, body in updatePayment(request.pathParameters["id"] ?? "", body) }
        route("PUT", "/customerpayments") { [self] request, body in
            upsert(request, body, key: "payment", table: \.payments, create: { createPayment($0) }, update: { updatePayment($0, $1) })
        }
        route("DELETE", "/customerpayments/{id}") { [self] request, _ in deletePayment(request.pathParameters["id"] ?? "") }
        route("POST", "/customerpayments/{id}/refunds") { [self] request, body in refundPayment(request.pathParameters["id"] ?? "", body) }
        route("GET", "/customerpayments/{id}/refunds") { [self] request, _ in
            let id = request.pathParameters["id"] ?? ""
            return state.withLock { state in
                guard state.payments[id] != nil else { return Self.missing("Payment") }
                return Self.page("payment_refunds", state.paymentRefunds.values.filter { $0["payment_id"] as? String == id }, request.query)
            }
        }
    }

    /// The payment whose reference number is `reference`, for the sandbox's spoils.
    func payment(reference: String) -> [String: Any]? {
        state.withLock { state in state.payments.values.first { $0["reference_number"] as? String == reference } }
    }

    func createPayment(_ body: [String: Any]) -> Response {
        guard let customer = body["customer_id"] as? String else { return Self.invalid("customer_id") }
        guard let amount = SandboxResponses.decimal(body["amount"]), amount > 0 else { return Self.invalid("amount") }
        guard body["payment_mode"] is String else { return Self.invalid("payment_mode") }
        return state.withLock { state in
            guard let contact = state.contacts[customer] else { return SandboxResponses.json(400, ["code": 1002, "message": "Contact does not exist."]) }
            var invoices = state.invoices
            let lines: [[String: Any]]
            switch Self.apply(body["invoices"] as? [[String: Any]] ?? [], customer: customer, amount: amount, to: &invoices) {
            case .failure(let refusal): return refusal.response
            case .success(let applied): lines = applied
            }
            state.invoices = invoices
            let currency = contact["currency_code"] as? String ?? baseCurrency
            let rate = rate(body, currency: currency)
            state.paymentNumber += 1
            let now = Self.timestamp()
            let applied = lines.reduce(Decimal(0)) { $0 + (SandboxResponses.decimal($1["amount_applied"]) ?? 0) }
            let payment: [String: Any] = [
                "payment_id": state.nextId(), "payment_number": String(state.paymentNumber), "customer_id": customer,
                "customer_name": contact["contact_name"] ?? "", "payment_mode": body["payment_mode"]!, "amount": Self.number(amount),
                "unused_amount": Self.number(amount - applied), "date": body["date"] ?? Self.today(), "reference_number": body["reference_number"] ?? "",
                "description": body["description"] ?? "", "account_id": body["account_id"] ?? Self.undepositedFunds, "status": "success",
                "invoices": lines, "bank_charges": Self.number(SandboxResponses.decimal(body["bank_charges"]) ?? 0), "currency_code": currency,
                "exchange_rate": Self.number(rate), "bcy_amount": Self.number(Self.rounded(amount * rate, 2)),
                "custom_fields": body["custom_fields"] ?? [Any](), "created_time": now, "last_modified_time": now,
            ]
            state.payments[payment["payment_id"] as! String] = payment
            webhooks.emit(entity: "customerpayment", event: "created", record: payment)
            return SandboxResponses.json(201, ["code": 0, "message": "The payment has been created.", "payment": payment])
        }
    }

    /// Fields an update may change; new `invoices` or `amount` re-apply the payment as a whole.
    func updatePayment(_ id: String, _ body: [String: Any]) -> Response {
        state.withLock { state in
            guard var payment = state.payments[id] else { return Self.missing("Payment") }
            let amount = body["amount"] != nil ? SandboxResponses.decimal(body["amount"]) : SandboxResponses.decimal(payment["amount"])
            guard let amount, amount > 0 else { return Self.invalid("amount") }
            if body["invoices"] != nil || body["amount"] != nil {
                var invoices = state.invoices
                Self.unapply(payment, from: &invoices)
                let wanted = body["invoices"] as? [[String: Any]] ?? payment["invoices"] as? [[String: Any]] ?? []
                switch Self.apply(wanted, customer: payment["customer_id"] as? String ?? "", amount: amount, to: &invoices) {
                case .failure(let refusal): return refusal.response
                case .success(let lines):
                    state.invoices = invoices
                    payment["invoices"] = lines
                    let applied = lines.reduce(Decimal(0)) { $0 + (SandboxResponses.decimal($1["amount_applied"]) ?? 0) }
                    payment["amount"] = Self.number(amount)
                    payment["unused_amount"] = Self.number(amount - applied)
                }
            }
            for key in ["date", "reference_number", "description", "payment_mode", "account_id", "custom_fields", "bank_charges"] {
                if let value = body[key] { payment[key] = value }
            }
            payment["last_modified_time"] = Self.timestamp()
            state.payments[id] = payment
            webhooks.emit(entity: "customerpayment", event: "updated", record: payment)
            return SandboxResponses.json(200, ["code": 0, "message": "The payment details have been updated.", "payment": payment])
        }
    }

    /// Deleting a payment gives its amounts back to the invoices it paid, as Books does.
    func deletePayment(_ id: String) -> Response {
        state.withLock { state in
            guard let payment = state.payments.removeValue(forKey: id) else { return Self.missing("Payment") }
            Self.unapply(payment, from: &state.invoices)
            webhooks.emit(entity: "customerpayment", event: "deleted", record: payment)
            return SandboxResponses.json(200, ["code": 0, "message": "The payment has been deleted."])
        }
    }

    /// Money back out of what a payment did not apply to invoices (Books refunds only excess).
    func refundPayment(_ id: String, _ body: [String: Any]) -> Response {
        guard let amount = SandboxResponses.decimal(body["amount"]), amount > 0 else { return Self.invalid("amount") }
        guard body["date"] is String else { return Self.invalid("date") }
        return state.withLock { state in
            guard var payment = state.payments[id] else { return Self.missing("Payment") }
            let unused = SandboxResponses.decimal(payment["unused_amount"]) ?? 0
            guard amount <= unused else {
                return SandboxResponses.json(400, ["code": 24021, "message": "The refund amount exceeds the payment's excess amount (\(unused))."])
            }
            payment["unused_amount"] = Self.number(unused - amount)
            state.payments[id] = payment
            let refund: [String: Any] = [
                "payment_refund_id": state.nextId(), "payment_id": id, "date": body["date"]!, "amount": Self.number(amount),
                "refund_mode": body["refund_mode"] ?? "", "reference_number": body["reference_number"] ?? "", "description": body["description"] ?? "",
                "from_account_id": body["from_account_id"] ?? Self.undepositedFunds, "customer_id": payment["customer_id"] ?? "",
            ]
            state.paymentRefunds[refund["payment_refund_id"] as! String] = refund
            return SandboxResponses.json(201, ["code": 0, "message": "The refund information has been saved.", "payment_refund": refund])
        }
    }

    struct Refusal: Error {
        let response: Response
        init(_ code: Int, _ message: String) { response = SandboxResponses.json(400, ["code": code, "message": message]) }
    }

    /// Applies `applications` to `invoices`: each to an open invoice of `customer`, within its
    /// balance, and together within `amount`.
    static func apply(_ applications: [[String: Any]], customer: String, amount: Decimal, to invoices: inout [String: [String: Any]]) -> Result<
        [[String: Any]], Refusal
    > {
        var total = Decimal(0)
        var lines: [[String: Any]] = []
        for application in applications {
            guard let id = application["invoice_id"] as? String, var invoice = invoices[id], invoice["customer_id"] as? String == customer else {
                return .failure(Refusal(1002, "Invoice does not exist."))
            }
            let share = SandboxResponses.decimal(application["amount_applied"]) ?? 0
            let balance = SandboxResponses.decimal(invoice["balance"]) ?? 0
            switch invoice["status"] as? String {
            case "draft":
                return .failure(Refusal(24019, "Payments cannot be recorded for draft invoice \(invoice["invoice_number"] ?? id); mark it as sent first."))
            case "void": return .failure(Refusal(24022, "Payments cannot be recorded for void invoice \(invoice["invoice_number"] ?? id)."))
            default: break
            }
            if share <= 0 || share > balance {
                return .failure(Refusal(24016, "The amount applied exceeds the balance of invoice \(invoice["invoice_number"] ?? id)."))
            }
            total += share
            invoice["balance"] = number(balance - share)
            invoice["payment_made"] = number((SandboxResponses.decimal(invoice["payment_made"]) ?? 0) + share)
            invoice["status"] = balance - share == 0 ? "paid" : "partially_paid"
            invoice["last_payment_date"] = today()
            invoice["last_modified_time"] = timestamp()
            invoices[id] = invoice
            lines.append([
                "invoice_id": id, "invoice_number": invoice["invoice_number"] ?? "", "amount_applied": number(share), "balance_amount": number(balance - share),
                "date": invoice["date"] ?? "", "total": invoice["total"] ?? 0,
            ])
        }
        if total > amount { return .failure(Refusal(24017, "The amount applied to invoices exceeds the payment amount.")) }
        return .success(lines)
    }

    /// Gives a payment's applied amounts back to its invoices.
    static func unapply(_ payment: [String: Any], from invoices: inout [String: [String: Any]]) {
        for line in payment["invoices"] as? [[String: Any]] ?? [] {
            guard let invoiceId = line["invoice_id"] as? String, var invoice = invoices[invoiceId] else { continue }
            let share = SandboxResponses.decimal(line["amount_applied"]) ?? 0
            let balance = (SandboxResponses.decimal(invoice["balance"]) ?? 0) + share
            let paid = (SandboxResponses.decimal(invoice["payment_made"]) ?? 0) - share
            invoice["balance"] = number(balance)
            invoice["payment_made"] = number(paid)
            invoice["status"] = paid == 0 ? "sent" : "partially_paid"
            invoices[invoiceId] = invoice
        }
    }
}
