import Foundation
import HTTPServer

/// Zoho Books API v3 (../shared/reference/zoho.md section 2) for one sandbox organization:
/// organizations, contacts, invoices and customer payments, with the `code`/`message` envelope,
/// `organization_id` on every call and `Authorization: Zoho-oauthtoken …` checked against the
/// accounts emulator. Codes marked unverified in the reference are kept as that section suggests:
/// 57 for a refused token (HTTP 401), 9017 for an unknown organization, 1001 for a duplicate.
final class ZohoBooksEmulator: Sendable {
    static let organizationId = "20071234"

    struct State {
        var contacts: [String: [String: Any]] = [:]
        var invoices: [String: [String: Any]] = [:]
        var payments: [String: [String: Any]] = [:]
        var salesOrders: [String: [String: Any]] = [:]
        var creditNotes: [String: [String: Any]] = [:]
        var journals: [String: [String: Any]] = [:]
        var creditNoteRefunds: [String: [String: Any]] = [:]
        var items: [String: [String: Any]] = [:]
        var packages: [String: [String: Any]] = [:]
        var shipments: [String: [String: Any]] = [:]
        var next = 460_000_000_000
        var invoiceNumber = 0
        var paymentNumber = 0
        var creditNoteNumber = 0
        var journalNumber = 0

        mutating func nextId() -> String {
            next += 1
            return String(next)
        }
    }

    let state = Locked(State())
    let accounts: ZohoAccountsEmulator
    let webhooks: ZohoWebhooks
    /// The organization's base currency: records in another currency carry an exchange rate to
    /// it, and their base-currency amounts (`bcy_total`, `bcy_amount`).
    let baseCurrency: String

    init(accounts: ZohoAccountsEmulator, webhooks: ZohoWebhooks, baseCurrency: String = "USD") {
        self.accounts = accounts
        self.webhooks = webhooks
        self.baseCurrency = baseCurrency
    }

    /// A record's rate to the base currency: the one sent, else Books' latest for its currency.
    func rate(_ body: [String: Any], currency: String) -> Decimal {
        if currency == baseCurrency { return 1 }
        if let given = SandboxResponses.decimal(body["exchange_rate"]), given > 0 { return given }
        return exchangeRate(currency) ?? 1
    }

    typealias Handler = @Sendable (Request, [String: Any]) -> Response

    /// Registers `handler` under `root + path` behind Zoho's checks: a live
    /// `Zoho-oauthtoken`, and the sandbox organization on every call but `/organizations`.
    func add(_ router: inout Router<SandboxHandler>, _ root: String, _ method: String, _ path: String, _ handler: @escaping Handler) {
        router.add(method, root + path) { [self] request in
            guard let header = request.header("authorization"), header.hasPrefix("Zoho-oauthtoken "),
                accounts.isLive(accessToken: String(header.dropFirst("Zoho-oauthtoken ".count)))
            else {
                return SandboxResponses.json(401, ["code": 57, "message": "You are not authorized to perform this operation"])
            }
            if path != "/organizations", request.query["organization_id"] != Self.organizationId {
                return SandboxResponses.json(400, ["code": 9017, "message": "This user is not associated with any organization."])
            }
            return handler(request, Self.body(request))
        }
    }

    /// Books under `books`, and Inventory's sales orders under `inventory`: one organization, one
    /// set of contacts, as when both products run on one org.
    func routes(into router: inout Router<SandboxHandler>, books: String, inventory: String) {
        func add(_ root: String, _ method: String, _ path: String, _ handler: @escaping Handler) {
            self.add(&router, root, method, path, handler)
        }
        add(books, "GET", "/organizations") { [self] _, _ in
            SandboxResponses.json(
                200,
                [
                    "code": 0, "message": "success",
                    "organizations": [
                        [
                            "organization_id": Self.organizationId, "name": "Acme Outdoor Supply (sandbox)", "currency_code": baseCurrency,
                            "currency_id": Self.dollarValue.first { $0.code == baseCurrency }?.id ?? "", "time_zone": "America/New_York",
                            "is_default_org": true,
                        ]
                    ],
                ])
        }
        add(books, "POST", "/contacts") { [self] _, body in createContact(body) }
        add(books, "GET", "/contacts") { [self] request, _ in listContacts(request.query) }
        add(books, "GET", "/contacts/{id}") { [self] request, _ in contact(request.path.split(separator: "/").last.map(String.init) ?? "") }
        add(books, "POST", "/invoices") { [self] _, body in createInvoice(body) }
        add(books, "GET", "/invoices") { [self] request, _ in list("invoices", request.query) }
        add(books, "POST", "/customerpayments") { [self] _, body in createPayment(body) }
        add(books, "GET", "/customerpayments") { [self] request, _ in list("customerpayments", request.query) }
        add(books, "DELETE", "/customerpayments/{id}") { [self] request, _ in deletePayment(request) }
        add(books, "POST", "/invoices/{id}/status/void") { [self] request, _ in voidInvoice(request) }
        add(inventory, "POST", "/salesorders") { [self] _, body in createSalesOrder(body) }
        add(inventory, "GET", "/salesorders") { [self] request, _ in list("salesorders", request.query) }
        add(inventory, "POST", "/salesorders/{id}/status/confirmed") { [self] request, _ in markSalesOrder(request, "confirmed") }
        add(inventory, "POST", "/salesorders/{id}/status/void") { [self] request, _ in markSalesOrder(request, "void") }
        add(inventory, "GET", "/salesorders/{id}") { [self] request, _ in salesOrder(request) }
        add(inventory, "PUT", "/salesorders/{id}") { [self] request, body in updateSalesOrder(request, body) }
        accountingRoutes(into: &router, books: books)
        fulfilmentRoutes(into: &router, inventory: inventory)
        webhooks.routes(into: &router, books: books, emulator: self)
    }

    func createSalesOrder(_ body: [String: Any]) -> Response {
        guard let customer = body["customer_id"] as? String else { return Self.invalid("customer_id") }
        guard let lines = body["line_items"] as? [[String: Any]], !lines.isEmpty else { return Self.invalid("line_items") }
        return state.withLock { state in
            guard state.contacts[customer] != nil else { return SandboxResponses.json(400, ["code": 1002, "message": "Contact does not exist."]) }
            let total = lines.reduce(Decimal(0)) { sum, line in
                sum + (SandboxResponses.decimal(line["rate"]) ?? 0) * (SandboxResponses.decimal(line["quantity"]) ?? 1)
            }
            let numbered = lines.map { $0.merging(["line_item_id": state.nextId()]) { $1 } }
            let order: [String: Any] = [
                "salesorder_id": state.nextId(), "salesorder_number": String(format: "SO-%05d", state.salesOrders.count + 1),
                "status": "draft", "customer_id": customer, "reference_number": body["reference_number"] ?? "", "line_items": numbered,
                "total": Self.number(total), "shipped_status": "", "invoiced_status": "", "paid_status": "", "packages": [Any](), "invoices": [Any](),
            ]
            state.salesOrders[order["salesorder_id"] as! String] = order
            return SandboxResponses.json(201, ["code": 0, "message": "Sales Order has been created.", "salesorder": order])
        }
    }

    /// Custom fields by `api_name` (the only update the emulator takes), merged into the order's.
    func updateSalesOrder(_ request: Request, _ body: [String: Any]) -> Response {
        let id = request.path.split(separator: "/").last.map(String.init) ?? ""
        guard let fields = body["custom_fields"] as? [[String: Any]], fields.allSatisfy({ $0["api_name"] is String }) else {
            return Self.invalid("custom_fields")
        }
        return state.withLock { state in
            guard var order = state.salesOrders[id] else { return SandboxResponses.json(404, ["code": 1002, "message": "Sales order does not exist."]) }
            var current = order["custom_fields"] as? [[String: Any]] ?? []
            for field in fields {
                current.removeAll { $0["api_name"] as? String == field["api_name"] as? String }
                current.append(["api_name": field["api_name"]!, "value": field["value"] ?? ""])
            }
            order["custom_fields"] = current
            state.salesOrders[id] = order
            webhooks.emit(entity: "salesorder", event: "updated", record: order)
            return SandboxResponses.json(200, ["code": 0, "message": "Sales Order information has been updated.", "salesorder": order])
        }
    }

    func markSalesOrder(_ request: Request, _ status: String) -> Response {
        let id = request.path.split(separator: "/").dropLast(2).last.map(String.init) ?? ""
        return state.withLock { state in
            guard var order = state.salesOrders[id] else { return SandboxResponses.json(404, ["code": 1002, "message": "Sales order does not exist."]) }
            if order["status"] as? String == "void" { return SandboxResponses.json(400, ["code": 36014, "message": "The sales order is void."]) }
            order["status"] = status
            state.salesOrders[id] = order
            webhooks.emit(entity: "salesorder", event: "updated", record: order)
            return SandboxResponses.json(200, ["code": 0, "message": status == "void" ? "Sales Order has been voided." : "Sales Order has been confirmed."])
        }
    }

    /// Deleting a payment gives its amounts back to the invoices it paid, as Books does.
    func deletePayment(_ request: Request) -> Response {
        let id = request.path.split(separator: "/").last.map(String.init) ?? ""
        return state.withLock { state in
            guard let payment = state.payments.removeValue(forKey: id) else {
                return SandboxResponses.json(404, ["code": 1002, "message": "Payment does not exist."])
            }
            for line in payment["invoices"] as? [[String: Any]] ?? [] {
                guard let invoiceId = line["invoice_id"] as? String, var invoice = state.invoices[invoiceId] else { continue }
                let share = SandboxResponses.decimal(line["amount_applied"]) ?? 0
                let balance = (SandboxResponses.decimal(invoice["balance"]) ?? 0) + share
                let paid = (SandboxResponses.decimal(invoice["payment_made"]) ?? 0) - share
                invoice["balance"] = Self.number(balance)
                invoice["payment_made"] = Self.number(paid)
                invoice["status"] = paid == 0 ? "sent" : "partially_paid"
                state.invoices[invoiceId] = invoice
            }
            webhooks.emit(entity: "customerpayment", event: "deleted", record: payment)
            return SandboxResponses.json(200, ["code": 0, "message": "The payment has been deleted."])
        }
    }

    /// Books voids only an invoice with no payment on it.
    func voidInvoice(_ request: Request) -> Response {
        let id = request.path.split(separator: "/").dropLast(2).last.map(String.init) ?? ""
        return state.withLock { state in
            guard var invoice = state.invoices[id] else { return SandboxResponses.json(404, ["code": 1002, "message": "Invoice does not exist."]) }
            if (SandboxResponses.decimal(invoice["payment_made"]) ?? 0) > 0 {
                return SandboxResponses.json(400, ["code": 1040, "message": "Invoices with payments cannot be voided; delete the payments first."])
            }
            invoice["status"] = "void"
            invoice["balance"] = Self.number(0)
            state.invoices[id] = invoice
            webhooks.emit(entity: "invoice", event: "updated", record: invoice)
            return SandboxResponses.json(200, ["code": 0, "message": "Invoice status has been changed to Void."])
        }
    }

    func createContact(_ body: [String: Any]) -> Response {
        guard let name = body["contact_name"] as? String, !name.isEmpty else { return Self.invalid("contact_name") }
        return state.withLock { state in
            if state.contacts.values.contains(where: { ($0["contact_name"] as? String)?.lowercased() == name.lowercased() }) {
                return SandboxResponses.json(400, ["code": 1001, "message": "The customer \"\(name)\" already exists."])
            }
            state.next += 1
            // A contact deals in one currency, its invoices and payments too; the base one unless set.
            let currency = (body["currency_id"] as? String).flatMap { id in Self.dollarValue.first { $0.id == id }?.code } ?? baseCurrency
            var contact: [String: Any] = [
                "contact_id": String(state.next), "contact_name": name, "contact_type": body["contact_type"] ?? "customer",
                "status": "active", "currency_code": currency,
            ]
            let persons = body["contact_persons"] as? [[String: Any]] ?? []
            contact["email"] = persons.first?["email"] ?? body["email"] ?? ""
            if let company = body["company_name"] { contact["company_name"] = company }
            if let fields = body["custom_fields"] { contact["custom_fields"] = fields }
            state.contacts[contact["contact_id"] as! String] = contact
            return SandboxResponses.json(201, ["code": 0, "message": "The contact has been added.", "contact": contact])
        }
    }

    func listContacts(_ query: [String: String]) -> Response {
        let all = state.withLock { Array($0.contacts.values) }
        let found = all.filter { contact in
            (query["contact_name"].map { ($0.lowercased() == (contact["contact_name"] as? String)?.lowercased()) } ?? true)
                && (query["email"].map { $0.lowercased() == (contact["email"] as? String)?.lowercased() } ?? true)
        }
        return Self.page("contacts", found)
    }

    /// A contact with the balances Books keeps on it: what its open invoices still owe, and the
    /// credit (credit notes not yet applied or refunded) it holds.
    func contact(_ id: String) -> Response {
        state.withLock { state in
            guard var contact = state.contacts[id] else { return SandboxResponses.json(404, ["code": 1002, "message": "Contact does not exist."]) }
            let owed = state.invoices.values.filter { $0["customer_id"] as? String == id && $0["status"] as? String != "void" }
                .reduce(Decimal(0)) { $0 + (SandboxResponses.decimal($1["balance"]) ?? 0) }
            let credit = state.creditNotes.values.filter { $0["customer_id"] as? String == id }
                .reduce(Decimal(0)) { $0 + (SandboxResponses.decimal($1["balance"]) ?? 0) }
            contact["outstanding_receivable_amount"] = Self.number(owed)
            contact["unused_credits_receivable_amount"] = Self.number(credit)
            return SandboxResponses.json(200, ["code": 0, "message": "success", "contact": contact])
        }
    }

    func createInvoice(_ body: [String: Any]) -> Response {
        guard let customer = body["customer_id"] as? String else { return Self.invalid("customer_id") }
        guard let lines = body["line_items"] as? [[String: Any]], !lines.isEmpty else { return Self.invalid("line_items") }
        return state.withLock { state in
            guard let contact = state.contacts[customer] else { return SandboxResponses.json(400, ["code": 1002, "message": "Contact does not exist."]) }
            let total = lines.reduce(Decimal(0)) { sum, line in
                sum + (SandboxResponses.decimal(line["rate"]) ?? 0) * (SandboxResponses.decimal(line["quantity"]) ?? 1)
            }
            let currency = contact["currency_code"] as? String ?? baseCurrency
            let rate = rate(body, currency: currency)
            state.next += 1
            state.invoiceNumber += 1
            let invoice: [String: Any] = [
                "invoice_id": String(state.next), "invoice_number": String(format: "INV-%06d", state.invoiceNumber), "status": "sent",
                "customer_id": customer, "customer_name": contact["contact_name"] ?? "", "currency_code": currency,
                "exchange_rate": Self.number(rate), "bcy_total": Self.number(Self.rounded(total * rate, 2)),
                "reference_number": body["reference_number"] ?? "", "date": body["date"] ?? "", "line_items": lines,
                "total": Self.number(total), "balance": Self.number(total), "payment_made": 0,
            ]
            state.invoices[invoice["invoice_id"] as! String] = invoice
            webhooks.emit(entity: "invoice", event: "created", record: invoice)
            return SandboxResponses.json(201, ["code": 0, "message": "The invoice has been created.", "invoice": invoice])
        }
    }

    func createPayment(_ body: [String: Any]) -> Response {
        guard let customer = body["customer_id"] as? String else { return Self.invalid("customer_id") }
        guard let amount = SandboxResponses.decimal(body["amount"]), amount > 0 else { return Self.invalid("amount") }
        guard body["payment_mode"] is String else { return Self.invalid("payment_mode") }
        let applications = body["invoices"] as? [[String: Any]] ?? []
        return state.withLock { state in
            var applied = Decimal(0)
            for application in applications {
                guard let id = application["invoice_id"] as? String, let invoice = state.invoices[id], invoice["customer_id"] as? String == customer else {
                    return SandboxResponses.json(400, ["code": 1002, "message": "Invoice does not exist."])
                }
                let share = SandboxResponses.decimal(application["amount_applied"]) ?? 0
                let balance = SandboxResponses.decimal(invoice["balance"]) ?? 0
                if invoice["status"] as? String == "paid" || share > balance {
                    return SandboxResponses.json(
                        400, ["code": 24016, "message": "The amount applied exceeds the balance of invoice \(invoice["invoice_number"] ?? id)."])
                }
                applied += share
            }
            if applied > amount { return SandboxResponses.json(400, ["code": 24017, "message": "The amount applied to invoices exceeds the payment amount."]) }
            var lines: [[String: Any]] = []
            for application in applications {
                let id = application["invoice_id"] as! String
                let share = SandboxResponses.decimal(application["amount_applied"]) ?? 0
                guard var invoice = state.invoices[id] else { continue }
                let balance = (SandboxResponses.decimal(invoice["balance"]) ?? 0) - share
                invoice["balance"] = Self.number(balance)
                invoice["payment_made"] = Self.number((SandboxResponses.decimal(invoice["payment_made"]) ?? 0) + share)
                invoice["status"] = balance == 0 ? "paid" : "partially_paid"
                state.invoices[id] = invoice
                lines.append([
                    "invoice_id": id, "invoice_number": invoice["invoice_number"] ?? "",
                    "amount_applied": Self.number(share), "balance_amount": Self.number(balance),
                ])
            }
            let currency = state.contacts[customer]?["currency_code"] as? String ?? baseCurrency
            let rate = rate(body, currency: currency)
            state.next += 1
            state.paymentNumber += 1
            let payment: [String: Any] = [
                "exchange_rate": Self.number(rate), "bcy_amount": Self.number(Self.rounded(amount * rate, 2)),
                "payment_id": String(state.next), "payment_number": String(state.paymentNumber), "customer_id": customer,
                "payment_mode": body["payment_mode"]!, "amount": Self.number(amount), "date": body["date"] ?? "",
                "reference_number": body["reference_number"] ?? "", "status": "success", "invoices": lines,
                "bank_charges": body["bank_charges"] ?? 0, "currency_code": currency,
            ]
            state.payments[payment["payment_id"] as! String] = payment
            webhooks.emit(entity: "customerpayment", event: "created", record: payment)
            return SandboxResponses.json(201, ["code": 0, "message": "The payment has been created.", "payment": payment])
        }
    }

    func list(_ key: String, _ query: [String: String]) -> Response {
        let all = state.withLock { state -> [[String: Any]] in
            switch key {
            case "invoices": Array(state.invoices.values)
            case "salesorders": Array(state.salesOrders.values)
            default: Array(state.payments.values)
            }
        }
        let found = all.filter { item in
            (query["reference_number"].map { $0 == item["reference_number"] as? String } ?? true)
                && (query["customer_id"].map { $0 == item["customer_id"] as? String } ?? true)
        }
        return Self.page(key, found)
    }

    static func page(_ key: String, _ items: [[String: Any]]) -> Response {
        SandboxResponses.json(
            200,
            [
                "code": 0, "message": "success", key: items,
                "page_context": ["page": 1, "per_page": 200, "has_more_page": false],
            ])
    }

    static func invalid(_ field: String) -> Response {
        SandboxResponses.json(400, ["code": 4, "message": "Invalid value passed for \(field)"])
    }

    /// JSON bodies, or the older `JSONString=<json>` form that clients still send.
    static func body(_ request: Request) -> [String: Any] {
        if let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] { return object }
        if let text = SandboxResponses.fields(of: request)["JSONString"],
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        {
            return object
        }
        return [:]
    }

    static func number(_ value: Decimal) -> NSNumber { NSDecimalNumber(decimal: value) }
}
