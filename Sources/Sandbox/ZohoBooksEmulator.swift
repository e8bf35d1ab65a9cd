import Foundation
import HTTPServer
import Domain

/// Zoho Books API v3 (../shared/reference/zoho.md section 2) for one sandbox organization:
/// organizations, contacts, invoices and customer payments, with the `code`/`message` envelope,
/// `organization_id` on every call and `Authorization: Zoho-oauthtoken …` checked against the
/// accounts emulator, the `X-Rate-Limit-*` headers on every answer, and lists paged by `page`
/// and `per_page`. Codes marked unverified in the reference are kept as that section suggests:
/// 57 for a refused token (HTTP 401), 9017 for an unknown organization, 1001 for a duplicate,
/// 1002 (HTTP 404) for an id that names nothing.
final class ZohoBooksEmulator: Sendable {
    static let organizationId = "20071234"

    struct State {
        var contacts: [String: [String: Any]] = [:]
        var invoices: [String: [String: Any]] = [:]
        /// An invoice's comments (its history's notes), by invoice id, oldest first.
        var invoiceComments: [String: [[String: Any]]] = [:]
        var payments: [String: [String: Any]] = [:]
        var salesOrders: [String: [String: Any]] = [:]
        var creditNotes: [String: [String: Any]] = [:]
        var journals: [String: [String: Any]] = [:]
        var creditNoteRefunds: [String: [String: Any]] = [:]
        var paymentRefunds: [String: [String: Any]] = [:]
        var accounts: [String: [String: Any]] = Dictionary(uniqueKeysWithValues: ZohoBooksEmulator.chartOfAccounts.map { ($0["account_id"] as! String, $0) })
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
    let limits: ZohoRateLimit
    let webhooks: ZohoWebhooks
    /// The organization's base currency: records in another currency carry an exchange rate to
    /// it, and their base-currency amounts (`bcy_total`, `bcy_amount`).
    let baseCurrency: String

    init(accounts: ZohoAccountsEmulator, webhooks: ZohoWebhooks, baseCurrency: String = "USD", limits: ZohoRateLimit = ZohoRateLimit()) {
        self.accounts = accounts
        self.limits = limits
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
    /// Registers a handler under Books' root: `(method, path, handler)`.
    typealias Register = (String, String, @escaping Handler) -> Void

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
            let (headers, refusal) = limits.take()
            if let refusal { return refusal }
            guard let body = Self.body(request) else {
                return SandboxResponses.json(400, ["code": 1038, "message": "JSON is not well formed"], headers: headers)
            }
            var response = handler(request, body)
            response.headers += headers
            return response
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
        func booksRoute(_ method: String, _ path: String, _ handler: @escaping Handler) { self.add(&router, books, method, path, handler) }
        contactRoutes(booksRoute)
        invoiceRoutes(booksRoute)
        paymentRoutes(booksRoute)
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
            guard var order = state.salesOrders[id] else { return Self.missing("Sales order") }
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
            guard var order = state.salesOrders[id] else { return Self.missing("Sales order") }
            if order["status"] as? String == "void" { return SandboxResponses.json(400, ["code": 36014, "message": "The sales order is void."]) }
            order["status"] = status
            state.salesOrders[id] = order
            webhooks.emit(entity: "salesorder", event: "updated", record: order)
            return SandboxResponses.json(200, ["code": 0, "message": status == "void" ? "Sales Order has been voided." : "Sales Order has been confirmed."])
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
        let filter = ListFilter(query)
        return Self.page(key, all.filter { filter.matches($0) }, query)
    }

    /// The list filters every Books list takes: exact `reference_number`, `customer_id` and
    /// `status`, `reference_number_startswith`/`_contains`, `date_start`/`date_end` and
    /// `due_date_start`/`due_date_end` (inclusive). The query is read once, so a search that
    /// scans every record asks each record only about the filters given (nine look-ups of the
    /// query per record were a tenth of the sandbox's CPU in a burst of flows).
    struct ListFilter {
        let reference, referencePrefix, referencePart, customer, status: String?
        let dateStart, dateEnd, dueStart, dueEnd: String?

        init(_ query: [String: String]) {
            reference = query["reference_number"]
            referencePrefix = query["reference_number_startswith"]?.lowercased()
            referencePart = query["reference_number_contains"]?.lowercased()
            customer = query["customer_id"]
            status = query["status"]
            dateStart = query["date_start"]
            dateEnd = query["date_end"]
            dueStart = query["due_date_start"]
            dueEnd = query["due_date_end"]
        }

        func matches(_ item: [String: Any]) -> Bool {
            if let reference, reference != item["reference_number"] as? String { return false }
            if referencePrefix != nil || referencePart != nil {
                let text = (item["reference_number"] as? String ?? "").lowercased()
                if let referencePrefix, !text.hasPrefix(referencePrefix) { return false }
                if let referencePart, !text.contains(referencePart) { return false }
            }
            if let customer, customer != item["customer_id"] as? String { return false }
            if let status, !ZohoBooksEmulator.hasStatus(item, status) { return false }
            if dateStart != nil || dateEnd != nil {
                let date = item["date"] as? String ?? ""
                if let dateStart, date < dateStart { return false }
                if let dateEnd, date > dateEnd { return false }
            }
            if dueStart != nil || dueEnd != nil {
                let due = item["due_date"] as? String ?? ""
                if due.isEmpty { return false }
                if let dueStart, due < dueStart { return false }
                if let dueEnd, due > dueEnd { return false }
            }
            return true
        }
    }

    /// Books' invoice status filters include two that name a state rather than a stored status:
    /// `unpaid` (sent and still owing something, partly paid included) and `overdue` (unpaid, and
    /// its due date has passed).
    static func hasStatus(_ item: [String: Any], _ status: String) -> Bool {
        let stored = item["status"] as? String ?? ""
        let owing = ["sent", "viewed", "partially_paid", "overdue"].contains(stored) && (SandboxResponses.decimal(item["balance"]) ?? 0) > 0
        switch status {
        case "unpaid": return owing
        case "overdue": return owing && (item["due_date"] as? String ?? "9999") < today()
        default: return status == stored
        }
    }

    /// Books' answer to an id that names no record of this kind.
    static func missing(_ entity: String) -> Response {
        SandboxResponses.json(404, ["code": 1002, "message": "\(entity) does not exist."])
    }

    /// Books' timestamps: ISO 8601 with the organization's offset (UTC here), as the formatter
    /// `yyyy-MM-dd'T'HH:mm:ssZ` writes them. Written from Domain's digits, not through
    /// DateFormatter (ICU underneath): formatting and parsing days was a tenth of the sandbox's
    /// CPU under a burst of flows, where every record made carries several.
    static func timestamp(_ date: Date = Date()) -> String {
        // The formatter works in whole milliseconds, then drops them.
        let seconds = ((date.timeIntervalSince1970 * 1000).rounded() / 1000).rounded(.down)
        return String(Timestamp.format(Date(timeIntervalSince1970: seconds)).prefix(19)) + "+0000"
    }

    static func today() -> String { Timestamp.dayText(Date()) }

    static func invalid(_ field: String) -> Response {
        SandboxResponses.json(400, ["code": 4, "message": "Invalid value passed for \(field)"])
    }

    /// JSON bodies, or the older `JSONString=<json>` form that clients still send; nil for any
    /// other body, which Books refuses with code 1038.
    static func body(_ request: Request) -> [String: Any]? {
        if request.body.isEmpty { return [:] }
        if let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] { return object }
        if let text = SandboxResponses.fields(of: request)["JSONString"],
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        {
            return object
        }
        return nil
    }

    static func number(_ value: Decimal) -> NSNumber { NSDecimalNumber(decimal: value) }
}
