import Foundation
import HTTPServer

/// Books' accounting side (reference sections 2.7–2.10): credit notes applied to invoices and
/// refunded, manual journals that must balance, the chart of accounts and currencies. Error codes
/// the reference marks unverified are the emulator's own, in Zoho's `code`/`message` envelope.
extension ZohoBooksEmulator {
    // Computed: [String: Any] is not Sendable, so it cannot be a stored static.
    static var chartOfAccounts: [[String: Any]] {
        [
            ["account_id": "460000000000358", "account_name": "Undeposited Funds", "account_code": "1010", "account_type": "cash"],
            ["account_id": "460000000000361", "account_name": "Operating Bank", "account_code": "1000", "account_type": "bank"],
            ["account_id": "460000000000364", "account_name": "Accounts Receivable", "account_code": "1200", "account_type": "accounts_receivable"],
            ["account_id": "460000000000367", "account_name": "Sales", "account_code": "4000", "account_type": "income"],
            ["account_id": "460000000000370", "account_name": "Merchant Processing Fees", "account_code": "6100", "account_type": "expense"],
            ["account_id": "460000000000373", "account_name": "Chargebacks", "account_code": "6150", "account_type": "expense"],
            ["account_id": "460000000000376", "account_name": "Card Reserve Held", "account_code": "1300", "account_type": "other_current_asset"],
        ].map { $0.merging(["is_active": true, "parent_account_id": "", "current_balance": 0]) { a, _ in a } }
    }

    /// US dollars per unit of each currency the organization can use; rates between any two
    /// follow from it, so an organization of any base currency has consistent ones.
    static let dollarValue: [(code: String, id: String, name: String, symbol: String, dollars: Decimal)] = [
        ("USD", "460000000000097", "USD- US Dollar", "$", 1), ("CAD", "460000000000099", "CAD- Canadian Dollar", "$", Decimal(string: "0.73")!),
        ("EUR", "460000000000101", "EUR- Euro", "€", Decimal(string: "1.08")!),
    ]

    /// The base currency's units per unit of `code`, to six places as Books keeps rates.
    func exchangeRate(_ code: String) -> Decimal? {
        guard let value = Self.dollarValue.first(where: { $0.code == code })?.dollars,
            let base = Self.dollarValue.first(where: { $0.code == baseCurrency })?.dollars
        else { return nil }
        return Self.rounded(value / base, 6)
    }

    var currencies: [[String: Any]] {
        Self.dollarValue.map { currency in
            [
                "currency_id": currency.id, "currency_code": currency.code, "currency_name": currency.name, "currency_symbol": currency.symbol,
                "price_precision": 2, "is_base_currency": currency.code == baseCurrency, "exchange_rate": Self.number(exchangeRate(currency.code) ?? 1),
                "effective_date": currency.code == baseCurrency ? "" : "2026-11-01",
            ]
        }
    }

    static func rounded(_ value: Decimal, _ places: Int) -> Decimal {
        var value = value, result = Decimal()
        NSDecimalRound(&result, &value, places, .plain)
        return result
    }

    func accountingRoutes(into router: inout Router<SandboxHandler>, books: String) {
        add(&router, books, "POST", "/creditnotes") { [self] _, body in createCreditNote(body) }
        add(&router, books, "GET", "/creditnotes") { [self] request, _ in listOf(\.creditNotes, "creditnotes", request.query) }
        add(&router, books, "POST", "/creditnotes/{id}/invoices") { [self] request, body in applyCreditNote(Self.pathId(request, 2), body) }
        add(&router, books, "POST", "/creditnotes/{id}/refunds") { [self] request, body in refundCreditNote(Self.pathId(request, 2), body) }
        add(&router, books, "GET", "/creditnotes/{id}/refunds") { [self] request, _ in
            let id = Self.pathId(request, 2)
            return Self.page(
                "creditnote_refunds", state.withLock { Array($0.creditNoteRefunds.values) }.filter { $0["creditnote_id"] as? String == id }, request.query)
        }
        add(&router, books, "POST", "/journals") { [self] _, body in createJournal(body) }
        add(&router, books, "GET", "/journals") { [self] request, _ in listOf(\.journals, "journals", request.query) }
        add(&router, books, "POST", "/journals/{id}/status/publish") { [self] request, _ in publishJournal(Self.pathId(request, 3)) }
        add(&router, books, "GET", "/creditnotes/{id}") { [self] request, _ in
            guard let note = state.withLock({ $0.creditNotes[request.pathParameters["id"] ?? ""] }) else { return Self.missing("Credit note") }
            return SandboxResponses.json(200, ["code": 0, "message": "success", "creditnote": note])
        }
        add(&router, books, "PUT", "/creditnotes/{id}") { [self] request, body in updateCreditNote(request.pathParameters["id"] ?? "", body) }
        add(&router, books, "GET", "/journals/{id}") { [self] request, _ in
            guard let journal = state.withLock({ $0.journals[request.pathParameters["id"] ?? ""] }) else { return Self.missing("Journal") }
            return SandboxResponses.json(200, ["code": 0, "message": "success", "journal": journal])
        }
        add(&router, books, "PUT", "/journals/{id}") { [self] request, body in updateJournal(request.pathParameters["id"] ?? "", body) }
        add(&router, books, "GET", "/chartofaccounts") { [self] request, _ in
            let type = request.query["filter_by"].map { $0.replacingOccurrences(of: "AccountType.", with: "").lowercased() }
            let accounts = state.withLock { Array($0.accounts.values) }
            return Self.page(
                "chartofaccounts", accounts.filter { type == nil || type == "active" || $0["account_type"] as? String == type }, request.query,
                sortColumn: "account_name")
        }
        add(&router, books, "POST", "/chartofaccounts") { [self] _, body in createAccount(body) }
        add(&router, books, "GET", "/chartofaccounts/{id}") { [self] request, _ in
            guard let account = state.withLock({ $0.accounts[request.pathParameters["id"] ?? ""] }) else { return Self.missing("Account") }
            return SandboxResponses.json(200, ["code": 0, "message": "success", "account": account])
        }
        add(&router, books, "GET", "/settings/currencies") { [self] request, _ in Self.page("currencies", currencies, request.query) }
        add(&router, books, "GET", "/settings/currencies/{id}/exchangerates") { [self] request, _ in
            let id = Self.pathId(request, 2)
            guard let currency = currencies.first(where: { $0["currency_id"] as? String == id }) else {
                return Self.missing("Currency")
            }
            return Self.page(
                "exchange_rates",
                [
                    [
                        "exchange_rate_id": id + "1", "currency_id": id, "currency_code": currency["currency_code"]!,
                        "effective_date": currency["effective_date"]!, "rate": currency["exchange_rate"]!,
                    ]
                ])
        }
    }

    /// The id `back` segments from the end of the path (`/creditnotes/{id}/invoices`: 2).
    static func pathId(_ request: Request, _ back: Int) -> String {
        let parts = request.path.split(separator: "/")
        return parts.count > back ? String(parts[parts.count - back]) : ""
    }

    func listOf(_ key: KeyPath<State, [String: [String: Any]]>, _ name: String, _ query: [String: String]) -> Response {
        let all = state.withLock { Array($0[keyPath: key].values) }
        let filter = ListFilter(query)
        return Self.page(name, all.filter { filter.matches($0) }, query)
    }

    /// A new account in the chart: a name unique in the organization, a type, an optional code.
    func createAccount(_ body: [String: Any]) -> Response {
        guard let name = body["account_name"] as? String, !name.isEmpty else { return Self.invalid("account_name") }
        guard let type = body["account_type"] as? String, !type.isEmpty else { return Self.invalid("account_type") }
        return state.withLock { state in
            if state.accounts.values.contains(where: { ($0["account_name"] as? String)?.lowercased() == name.lowercased() }) {
                return SandboxResponses.json(400, ["code": 11002, "message": "The account name \"\(name)\" already exists."])
            }
            let account: [String: Any] = [
                "account_id": state.nextId(), "account_name": name, "account_code": body["account_code"] ?? "", "account_type": type,
                "description": body["description"] ?? "", "is_active": true, "parent_account_id": body["parent_account_id"] ?? "", "current_balance": 0,
            ]
            state.accounts[account["account_id"] as! String] = account
            return SandboxResponses.json(201, ["code": 0, "message": "The account has been created.", "chart_of_account": account])
        }
    }

    /// A credit note's details; its lines only while nothing has been applied or refunded from it.
    func updateCreditNote(_ id: String, _ body: [String: Any]) -> Response {
        state.withLock { state in
            guard var note = state.creditNotes[id] else { return Self.missing("Credit note") }
            for key in ["reference_number", "date", "notes", "terms", "custom_fields"] {
                if let value = body[key] { note[key] = value }
            }
            if let lines = body["line_items"] as? [[String: Any]] {
                guard !lines.isEmpty else { return Self.invalid("line_items") }
                guard note["balance"] as? NSNumber == note["total"] as? NSNumber else {
                    return SandboxResponses.json(400, ["code": 24023, "message": "A credit note that has been applied or refunded cannot change its lines."])
                }
                let total = lines.reduce(Decimal(0)) { $0 + (SandboxResponses.decimal($1["rate"]) ?? 0) * (SandboxResponses.decimal($1["quantity"]) ?? 1) }
                note["line_items"] = lines
                note["total"] = Self.number(total)
                note["balance"] = Self.number(total)
            }
            state.creditNotes[id] = note
            return SandboxResponses.json(200, ["code": 0, "message": "Credit Note information has been updated.", "creditnote": note])
        }
    }

    /// A journal's date, reference and notes, or new lines that must still balance.
    func updateJournal(_ id: String, _ body: [String: Any]) -> Response {
        var changes = body
        if body["line_items"] != nil {
            switch journalLines(body["line_items"]) {
            case .failure(let refusal): return refusal.response
            case .success(let (lines, total)):
                changes["line_items"] = lines
                changes["total"] = Self.number(total)
            }
        }
        return state.withLock { state in
            guard var journal = state.journals[id] else { return Self.missing("Journal") }
            for key in ["journal_date", "reference_number", "notes", "line_items", "total", "journal_type"] {
                if let value = changes[key] { journal[key] = value }
            }
            state.journals[id] = journal
            return SandboxResponses.json(200, ["code": 0, "message": "The journal entry has been updated.", "journal": journal])
        }
    }

    func createCreditNote(_ body: [String: Any]) -> Response {
        guard let customer = body["customer_id"] as? String else { return Self.invalid("customer_id") }
        guard body["date"] is String else { return Self.invalid("date") }
        guard let lines = body["line_items"] as? [[String: Any]], !lines.isEmpty else { return Self.invalid("line_items") }
        let created = state.withLock { state -> [String: Any]? in
            guard state.contacts[customer] != nil else { return nil }
            let total = lines.reduce(Decimal(0)) { $0 + (SandboxResponses.decimal($1["rate"]) ?? 0) * (SandboxResponses.decimal($1["quantity"]) ?? 1) }
            state.creditNoteNumber += 1
            let note: [String: Any] = [
                "creditnote_id": state.nextId(), "creditnote_number": body["creditnote_number"] ?? String(format: "CN-%05d", state.creditNoteNumber),
                "customer_id": customer, "date": body["date"]!, "status": (body["is_draft"] as? Bool == true) ? "draft" : "open",
                "reference_number": body["reference_number"] ?? "", "line_items": lines, "currency_code": "USD",
                "total": Self.number(total), "balance": Self.number(total),
            ]
            state.creditNotes[note["creditnote_id"] as! String] = note
            return note
        }
        guard let created else { return SandboxResponses.json(400, ["code": 1002, "message": "Contact does not exist."]) }
        webhooks.emit(entity: "creditnote", event: "created", record: created)
        return SandboxResponses.json(201, ["code": 0, "message": "The credit note has been created.", "creditnote": created])
    }

    func applyCreditNote(_ id: String, _ body: [String: Any]) -> Response {
        let applications = body["invoices"] as? [[String: Any]] ?? []
        guard !applications.isEmpty else { return Self.invalid("invoices") }
        return state.withLock { state in
            guard var note = state.creditNotes[id] else { return Self.missing("Credit note") }
            var available = SandboxResponses.decimal(note["balance"]) ?? 0
            var invoices = state.invoices
            for application in applications {
                let share = SandboxResponses.decimal(application["amount_applied"]) ?? 0
                guard let invoiceId = application["invoice_id"] as? String, var invoice = invoices[invoiceId],
                    invoice["customer_id"] as? String == note["customer_id"] as? String
                else {
                    return SandboxResponses.json(400, ["code": 1002, "message": "Invoice does not exist."])
                }
                guard invoice["status"] as? String != "draft", invoice["status"] as? String != "void" else {
                    return SandboxResponses.json(400, ["code": 24019, "message": "Credits cannot be applied to a draft or void invoice."])
                }
                let balance = SandboxResponses.decimal(invoice["balance"]) ?? 0
                guard share > 0, share <= balance, share <= available else {
                    return SandboxResponses.json(400, ["code": 24016, "message": "The amount applied exceeds the balance of the invoice or the credit note."])
                }
                available -= share
                invoice["balance"] = Self.number(balance - share)
                invoice["status"] = balance - share == 0 ? "paid" : "partially_paid"
                invoices[invoiceId] = invoice
            }
            state.invoices = invoices
            note["balance"] = Self.number(available)
            if available == 0 { note["status"] = "closed" }
            state.creditNotes[id] = note
            return SandboxResponses.json(
                201,
                [
                    "code": 0, "message": "Credits have been applied to the invoice(s).",
                    "apply_to_invoices": ["invoices": applications],
                ])
        }
    }

    func refundCreditNote(_ id: String, _ body: [String: Any]) -> Response {
        guard let amount = SandboxResponses.decimal(body["amount"]), amount > 0 else { return Self.invalid("amount") }
        guard body["date"] is String else { return Self.invalid("date") }
        return state.withLock { state in
            guard var note = state.creditNotes[id] else { return Self.missing("Credit note") }
            let balance = SandboxResponses.decimal(note["balance"]) ?? 0
            guard amount <= balance else {
                return SandboxResponses.json(400, ["code": 24018, "message": "The refund amount exceeds the credit note's balance."])
            }
            note["balance"] = Self.number(balance - amount)
            if balance - amount == 0 { note["status"] = "closed" }
            state.creditNotes[id] = note
            let refund: [String: Any] = [
                "creditnote_refund_id": state.nextId(), "creditnote_id": id, "date": body["date"]!, "amount": Self.number(amount),
                "refund_mode": body["refund_mode"] ?? "", "reference_number": body["reference_number"] ?? "",
                "from_account_id": body["from_account_id"] ?? "", "description": body["description"] ?? "",
            ]
            state.creditNoteRefunds[refund["creditnote_refund_id"] as! String] = refund
            return SandboxResponses.json(
                201, ["code": 0, "message": "The refund information for this credit note has been saved.", "creditnote_refund": refund])
        }
    }

    func createJournal(_ body: [String: Any]) -> Response {
        guard body["journal_date"] is String else { return Self.invalid("journal_date") }
        let lines: [[String: Any]], debits: Decimal
        switch journalLines(body["line_items"]) {
        case .failure(let refusal): return refusal.response
        case .success(let checked): (lines, debits) = checked
        }
        return state.withLock { state in
            state.journalNumber += 1
            let journal: [String: Any] = [
                "journal_id": state.nextId(), "entry_number": String(state.journalNumber), "journal_date": body["journal_date"]!,
                "reference_number": body["reference_number"] ?? "", "notes": body["notes"] ?? "", "journal_type": body["journal_type"] ?? "both",
                "status": body["status"] as? String == "published" ? "published" : "draft", "line_items": lines, "total": Self.number(debits),
                "created_time": Self.timestamp(),
            ]
            state.journals[journal["journal_id"] as! String] = journal
            return SandboxResponses.json(201, ["code": 0, "message": "The journal entry has been created.", "journal": journal])
        }
    }

    /// Journal lines checked against the chart of accounts, with their account names, and the
    /// total of the debits, which must equal the credits.
    func journalLines(_ value: Any?) -> Result<([[String: Any]], Decimal), Refusal> {
        guard let lines = value as? [[String: Any]], lines.count >= 2 else { return .failure(Refusal(4, "Invalid value passed for line_items")) }
        let accounts = state.withLock { $0.accounts }
        var debits = Decimal(0), credits = Decimal(0)
        var stored: [[String: Any]] = []
        for (index, line) in lines.enumerated() {
            guard let accountId = line["account_id"] as? String, let account = accounts[accountId] else {
                return .failure(Refusal(1002, "Account does not exist."))
            }
            guard let amount = SandboxResponses.decimal(line["amount"]), amount > 0 else {
                return .failure(Refusal(4, "Invalid value passed for line_items.amount"))
            }
            switch line["debit_or_credit"] as? String {
            case "debit"?: debits += amount
            case "credit"?: credits += amount
            default: return .failure(Refusal(4, "Invalid value passed for line_items.debit_or_credit"))
            }
            stored.append(
                line.merging([
                    "line_id": "\(index + 1)", "account_name": account["account_name"]!, "amount": Self.number(amount), "bcy_amount": Self.number(amount),
                ]) { $1 })
        }
        guard debits == credits else { return .failure(Refusal(13015, "Total debits (\(debits)) and credits (\(credits)) must be equal.")) }
        return .success((stored, debits))
    }

    func publishJournal(_ id: String) -> Response {
        state.withLock { state in
            guard state.journals[id] != nil else { return Self.missing("Journal") }
            state.journals[id]?["status"] = "published"
            return SandboxResponses.json(200, ["code": 0, "message": "The journal has been published."])
        }
    }
}
