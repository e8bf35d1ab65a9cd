import Foundation
import HTTPServer
import Domain

/// Books invoices (reference section 2.5). As on the real service, an invoice created through
/// the API is a draft unless the call says `send=true`; a draft takes no payment until it is
/// marked sent (`POST /invoices/{id}/status/sent`), and a sent one without payments can go back
/// to draft. An invoice carries what Books computes: `line_item_id` and `item_total` per line,
/// `sub_total`, `tax_total` (no taxes are configured in the sandbox), `total`, `balance`, a
/// `date` (today unless given), a `due_date` from the payment terms, and its timestamps.
extension ZohoBooksEmulator {
    func invoiceRoutes(_ route: Register) {
        route("POST", "/invoices") { [self] request, body in createInvoice(body, send: request.query["send"] == "true") }
        route("GET", "/invoices") { [self] request, _ in list("invoices", request.query) }
        route("GET", "/invoices/{id}") { [self] request, _ in
            guard let invoice = state.withLock({ $0.invoices[request.pathParameters["id"] ?? ""] }) else { return Self.missing("Invoice") }
            return SandboxResponses.json(200, ["code": 0, "message": "success", "invoice": invoice])
        }
        route("PUT", "/invoices/{id}") { [self] request, body in updateInvoice(request.pathParameters["id"] ?? "", body) }
        route("PUT", "/invoices") { [self] request, body in
            upsert(request, body, key: "invoice", table: \.invoices, create: { createInvoice($0, send: false) }, update: { updateInvoice($0, $1) })
        }
        route("POST", "/invoices/{id}/status/sent") { [self] request, _ in markInvoice(request.pathParameters["id"] ?? "", sent: true) }
        route("POST", "/invoices/{id}/status/draft") { [self] request, _ in markInvoice(request.pathParameters["id"] ?? "", sent: false) }
        route("POST", "/invoices/{id}/status/void") { [self] request, _ in voidInvoice(request.pathParameters["id"] ?? "") }
        // Comments: notes on an invoice's history, internal unless shown to the client.
        route("POST", "/invoices/{id}/comments") { [self] request, body in
            let id = request.pathParameters["id"] ?? ""
            guard let text = body["description"] as? String, !text.isEmpty else { return Self.invalid("description") }
            return state.withLock { state in
                guard state.invoices[id] != nil else { return Self.missing("Invoice") }
                let comment: [String: Any] = [
                    "comment_id": state.nextId(), "invoice_id": id, "description": text, "commented_by": "API",
                    "comment_type": (body["show_comment_to_clients"] as? Bool == true) ? "client" : "internal", "date": Self.today(),
                    "time": Self.timestamp(),
                ]
                state.invoiceComments[id, default: []].append(comment)
                return SandboxResponses.json(201, ["code": 0, "message": "Comments added.", "comment": comment])
            }
        }
        route("GET", "/invoices/{id}/comments") { [self] request, _ in
            let id = request.pathParameters["id"] ?? ""
            return state.withLock { state in
                guard state.invoices[id] != nil else { return Self.missing("Invoice") }
                return SandboxResponses.json(200, ["code": 0, "message": "success", "comments": state.invoiceComments[id] ?? []])
            }
        }
        route("GET", "/invoices/{id}/payments") { [self] request, _ in
            let id = request.pathParameters["id"] ?? ""
            return state.withLock { state in
                guard state.invoices[id] != nil else { return Self.missing("Invoice") }
                let applied = state.payments.values.flatMap { payment in
                    (payment["invoices"] as? [[String: Any]] ?? []).filter { $0["invoice_id"] as? String == id }.map { line in
                        [
                            "payment_id": payment["payment_id"]!, "invoice_payment_id": payment["payment_id"]!, "payment_number": payment["payment_number"]!,
                            "payment_mode": payment["payment_mode"]!, "date": payment["date"]!, "amount": line["amount_applied"]!,
                            "reference_number": payment["reference_number"] ?? "",
                        ] as [String: Any]
                    }
                }
                return SandboxResponses.json(200, ["code": 0, "message": "success", "payments": applied])
            }
        }
    }

    func createInvoice(_ body: [String: Any], send: Bool) -> Response {
        guard let customer = body["customer_id"] as? String else { return Self.invalid("customer_id") }
        guard let lines = body["line_items"] as? [[String: Any]], !lines.isEmpty else { return Self.invalid("line_items") }
        return state.withLock { state in
            guard let contact = state.contacts[customer] else { return SandboxResponses.json(400, ["code": 1002, "message": "Contact does not exist."]) }
            if let number = body["invoice_number"] as? String, state.invoices.values.contains(where: { $0["invoice_number"] as? String == number }) {
                return SandboxResponses.json(400, ["code": 1001, "message": "Invoice \"\(number)\" already exists."])
            }
            let currency = contact["currency_code"] as? String ?? baseCurrency
            let rate = rate(body, currency: currency)
            state.invoiceNumber += 1
            let date = body["date"] as? String ?? Self.today()
            let now = Self.timestamp()
            var invoice: [String: Any] = [
                "invoice_id": state.nextId(), "invoice_number": body["invoice_number"] ?? String(format: "INV-%06d", state.invoiceNumber),
                "status": send ? "sent" : "draft", "customer_id": customer, "customer_name": contact["contact_name"] ?? "", "currency_code": currency,
                "currency_id": contact["currency_id"] ?? "", "exchange_rate": Self.number(rate), "reference_number": body["reference_number"] ?? "",
                "date": date, "payment_terms": body["payment_terms"] ?? 0, "notes": body["notes"] ?? "", "terms": body["terms"] ?? "",
                "custom_fields": body["custom_fields"] ?? [Any](), "payment_made": Self.number(0), "credits_applied": Self.number(0),
                "write_off_amount": Self.number(0), "last_payment_date": "", "created_time": now, "last_modified_time": now,
                "shipping_charge": Self.number(SandboxResponses.decimal(body["shipping_charge"]) ?? 0),
                "adjustment": Self.number(SandboxResponses.decimal(body["adjustment"]) ?? 0),
            ]
            invoice["due_date"] = body["due_date"] ?? Self.dueDate(date, terms: body["payment_terms"])
            Self.price(&invoice, lines: lines, rate: rate, state: &state)
            invoice["balance"] = invoice["total"]
            state.invoices[invoice["invoice_id"] as! String] = invoice
            webhooks.emit(entity: "invoice", event: "created", record: invoice)
            return SandboxResponses.json(201, ["code": 0, "message": "The invoice has been created.", "invoice": invoice])
        }
    }

    func updateInvoice(_ id: String, _ body: [String: Any]) -> Response {
        state.withLock { state in
            guard var invoice = state.invoices[id] else { return Self.missing("Invoice") }
            guard invoice["status"] as? String != "void" else {
                return SandboxResponses.json(400, ["code": 1041, "message": "A void invoice cannot be edited."])
            }
            for key in ["reference_number", "date", "due_date", "notes", "terms", "custom_fields", "payment_terms"] {
                if let value = body[key] { invoice[key] = value }
            }
            if let lines = body["line_items"] as? [[String: Any]] {
                guard !lines.isEmpty else { return Self.invalid("line_items") }
                let paid = (SandboxResponses.decimal(invoice["payment_made"]) ?? 0) + (SandboxResponses.decimal(invoice["credits_applied"]) ?? 0)
                let rate = SandboxResponses.decimal(invoice["exchange_rate"]) ?? 1
                var priced = invoice
                Self.price(&priced, lines: lines, rate: rate, state: &state)
                let total = SandboxResponses.decimal(priced["total"]) ?? 0
                guard total >= paid else {
                    return SandboxResponses.json(
                        400, ["code": 24020, "message": "The invoice total cannot be less than the payments and credits applied to it."])
                }
                invoice = priced
                invoice["balance"] = Self.number(total - paid)
            }
            invoice["last_modified_time"] = Self.timestamp()
            state.invoices[id] = invoice
            webhooks.emit(entity: "invoice", event: "updated", record: invoice)
            return SandboxResponses.json(200, ["code": 0, "message": "Invoice information has been updated.", "invoice": invoice])
        }
    }

    /// Draft to sent, or sent (with nothing paid) back to draft.
    func markInvoice(_ id: String, sent: Bool) -> Response {
        state.withLock { state in
            guard var invoice = state.invoices[id] else { return Self.missing("Invoice") }
            let status = invoice["status"] as? String ?? ""
            if sent {
                if status == "void" { return SandboxResponses.json(400, ["code": 1042, "message": "A void invoice cannot be marked as sent."]) }
                if status == "draft" { invoice["status"] = "sent" }
            } else {
                guard status == "sent" || status == "draft" else {
                    return SandboxResponses.json(400, ["code": 1043, "message": "Only a sent invoice with no payments can be changed to draft."])
                }
                invoice["status"] = "draft"
            }
            invoice["last_modified_time"] = Self.timestamp()
            state.invoices[id] = invoice
            webhooks.emit(entity: "invoice", event: "updated", record: invoice)
            return SandboxResponses.json(
                200, ["code": 0, "message": sent ? "Invoice status has been changed to Sent." : "Invoice status has been changed to Draft."])
        }
    }

    /// Books voids only an invoice with no payment on it.
    func voidInvoice(_ id: String) -> Response {
        state.withLock { state in
            guard var invoice = state.invoices[id] else { return Self.missing("Invoice") }
            if (SandboxResponses.decimal(invoice["payment_made"]) ?? 0) > 0 {
                return SandboxResponses.json(400, ["code": 1040, "message": "Invoices with payments cannot be voided; delete the payments first."])
            }
            invoice["status"] = "void"
            invoice["balance"] = Self.number(0)
            invoice["last_modified_time"] = Self.timestamp()
            state.invoices[id] = invoice
            webhooks.emit(entity: "invoice", event: "updated", record: invoice)
            return SandboxResponses.json(200, ["code": 0, "message": "Invoice status has been changed to Void."])
        }
    }

    /// Lines with their ids and totals, and the invoice's sub-total, tax, total and base-currency total.
    static func price(_ invoice: inout [String: Any], lines: [[String: Any]], rate: Decimal, state: inout State) {
        var subTotal = Decimal(0)
        invoice["line_items"] = lines.enumerated().map { index, line -> [String: Any] in
            let itemTotal = rounded((SandboxResponses.decimal(line["rate"]) ?? 0) * (SandboxResponses.decimal(line["quantity"]) ?? 1), 2)
            subTotal += itemTotal
            return line.merging([
                "line_item_id": line["line_item_id"] ?? state.nextId(), "item_order": index + 1, "item_total": number(itemTotal),
                "quantity": line["quantity"] ?? 1, "tax_id": line["tax_id"] ?? "", "tax_percentage": 0,
            ]) { $1 }
        }
        let extras = (SandboxResponses.decimal(invoice["shipping_charge"]) ?? 0) + (SandboxResponses.decimal(invoice["adjustment"]) ?? 0)
        let total = subTotal + extras
        invoice["sub_total"] = number(subTotal)
        invoice["tax_total"] = number(0)
        invoice["total"] = number(total)
        invoice["bcy_total"] = number(rounded(total * rate, 2))
    }

    /// `date` plus the payment terms in days (0: due on receipt).
    static func dueDate(_ date: String, terms: Any?) -> String {
        let days = (terms as? Int) ?? Int("\(terms ?? 0)") ?? 0
        // A day written as Books writes one is counted without DateFormatter; anything else is
        // read as before, leniently.
        if let start = Timestamp.day(date), Timestamp.dayText(start) == date {
            return Timestamp.dayText(start.addingTimeInterval(Double(days) * 86_400))
        }
        let format = SandboxResponses.formatter("yyyy-MM-dd")
        guard let start = format.date(from: date) else { return date }
        return format.string(from: start.addingTimeInterval(Double(days) * 86_400))
    }
}
