import Foundation
public import Domain
public import Connectors
public import SageAgent

/// An in-memory Sage Pro company (../shared/reference/sage-pro.md A.3) as the agent sees it:
/// customers (ARCUST), sales orders (SOMAST/SOTRAN), AR invoices (ARMAST/ARTRAN), cash receipts
/// (ARCASH), the GL chart (GLACCT) and GL postings (GLTRAN). Field names follow Pro's 10-character
/// xBase names; SONO is right-justified in 10 characters as Pro stores it. Like Pro, it keeps
/// its own running balances (ARCUST.BALANCE, ONORDER), which a writer must maintain.
///
/// Pro itself never deduplicates (an import run twice posts twice), so the agent keeps a
/// crosswalk (CLXREF) from each command's external id to what it created, and answers a repeated
/// external id with the first outcome instead of posting again.
public final class SageProCompany: SageProBackend {
    public typealias Row = [String: JSONValue]

    struct Tables {
        var tables: [String: [Row]] = [
            "ARCUST": [], "SOMAST": [], "SOTRAN": [], "ARMAST": [], "ARTRAN": [], "ARCASH": [], "GLTRAN": [], "CLXREF": [],
            "GLACCT": SageProFields.demoChart.map { ["GLACNT": .string($0.0), "GLDESC": .string($0.1)] },
        ]
        var crosswalk: [String: JSONValue] = [:]
        var lastSalesOrder = 0
        var lastInvoice = 100_000
        var lastReceipt = 0
        var lastEntry = 0
    }

    public let companyNumber: String
    private let state = Locked(Tables())

    public init(companyNumber: String = "01") {
        self.companyNumber = companyNumber
    }

    /// A copy of one table, e.g. `ARCUST`.
    public func rows(_ table: String) -> [Row]? {
        state.withLock { $0.tables[table.uppercased()] }
    }

    public func apply(_ command: SageAgentProtocol.Command) -> SageAgentProtocol.Result {
        guard let type = SageAgentProtocol.CommandType(rawValue: command.type) else {
            return .failed(command.commandId, .init(code: "unknown_command", message: "This agent does not know \(command.type).", retryable: false))
        }
        return state.withLock { state in
            if !type.isRead, let earlier = state.crosswalk[command.externalId] {
                return .succeeded(command.commandId, earlier)
            }
            do {
                let data = try perform(type, command.payload, &state)
                if !type.isRead {
                    state.crosswalk[command.externalId] = data
                    state.tables["CLXREF", default: []].append(["EXTID": .string(command.externalId), "CMDTYPE": .string(command.type), "RESULT": data])
                }
                return .succeeded(command.commandId, data)
            } catch let failure as SageAgentProtocol.Failure {
                return .failed(command.commandId, failure)
            } catch {
                return .failed(command.commandId, .init(code: "internal", message: "\(error)", retryable: true))
            }
        }
    }

    private func perform(_ type: SageAgentProtocol.CommandType, _ payload: JSONValue, _ state: inout Tables) throws -> JSONValue {
        switch type {
        case .ping: return .object(["agent_version": .string("sandbox-1"), "company": .string(companyNumber)])
        case .upsertCustomer: return try upsertCustomer(payload, &state)
        case .createSalesOrder: return try createSalesOrder(payload, &state)
        case .createInvoice: return try createInvoice(payload, &state)
        case .postCashReceipt: return try postCashReceipt(payload, &state)
        case .postJournal: return try postJournal(payload, &state)
        case .listCashReceipts: return try listCashReceipts(payload, state)
        case .listLedger: return try listLedger(payload, state)
        case .listOpenInvoices: return try listOpenInvoices(payload, state)
        }
    }

    private static let customerFields = ["company", "contact", "address1", "address2", "city", "state", "zip", "country", "phone", "email"]

    private func upsertCustomer(_ payload: JSONValue, _ state: inout Tables) throws -> JSONValue {
        let requested = try SageProFields.text(payload, "custno", maxLength: 6, required: false)?.uppercased()
        if let requested, let index = state.tables["ARCUST"]!.firstIndex(where: { $0["CUSTNO"]?.string == requested }) {
            for field in Self.customerFields {
                if let value = try SageProFields.text(payload, field, maxLength: 40, required: false) {
                    state.tables["ARCUST"]![index][field.uppercased()] = .string(value)
                }
            }
            return .object(["custno": .string(requested), "action": .string("updated")])
        }
        let company = try SageProFields.text(payload, "company", maxLength: 40, required: true)!
        let custno = requested ?? SageProFields.nextCustomerNumber(company, taken: Set(state.tables["ARCUST"]!.compactMap { $0["CUSTNO"]?.string }))
        var row: Row = [
            "CUSTNO": .string(custno), "BALANCE": .string("0.00"), "ONORDER": .string("0.00"),
            "ADDUSER": .string("CLEARLN"), "ADDDATE": .string(Self.today()),
        ]
        for field in Self.customerFields { row[field.uppercased()] = .string(try SageProFields.text(payload, field, maxLength: 40, required: false) ?? "") }
        state.tables["ARCUST"]!.append(row)
        return .object(["custno": .string(custno), "action": .string("created")])
    }

    private func createSalesOrder(_ payload: JSONValue, _ state: inout Tables) throws -> JSONValue {
        let custno = try customer(payload, state)
        let lines = try SageProFields.lines(payload, quantityField: "qtyord")
        state.lastSalesOrder += 1
        let sono = SageProFields.salesOrderNumber(state.lastSalesOrder)
        let total = lines.reduce(Decimal(0)) { $0 + $1.amount }
        state.tables["SOMAST"]!.append([
            "SONO": .string(sono), "CUSTNO": .string(custno), "SOSTAT": .string(" "), "SODATE": .string(Self.today()),
            "PONUM": .string(try SageProFields.text(payload, "ponum", maxLength: 20, required: false) ?? ""),
            "ORDAMT": .string(SageProFields.amount(total)),
        ])
        for line in lines {
            state.tables["SOTRAN"]!.append([
                "SONO": .string(sono), "ITEM": .string(line.item), "DESCRIP": .string(line.description),
                "QTYORD": .string(SageProFields.amount(line.quantity)), "QTYSHP": .string("0.00"), "PRICE": .string(SageProFields.amount(line.price)),
            ])
        }
        try adjust(custno, "ONORDER", by: total, &state)
        return .object(["sono": .string(sono), "ordamt": .string(SageProFields.amount(total))])
    }

    private func createInvoice(_ payload: JSONValue, _ state: inout Tables) throws -> JSONValue {
        let custno = try customer(payload, state)
        let lines = try SageProFields.lines(payload, quantityField: "qty")
        let tax = try SageProFields.money(payload, "tax", required: false) ?? 0
        let subtotal = lines.reduce(Decimal(0)) { $0 + $1.amount }
        let total = subtotal + tax
        state.lastInvoice += 1
        let invno = String(state.lastInvoice)
        // Due on the day asked, else net 30 from today.
        let due = try SageProFields.text(payload, "duedate", maxLength: 10, required: false).flatMap(SageProFields.day) ?? Self.day(daysFromToday: 30)
        state.tables["ARMAST"]!.append([
            "INVNO": .string(invno), "CUSTNO": .string(custno), "INVDTE": .string(Self.today()), "DUEDATE": .string(due), "ARSTAT": .string(" "),
            "ORNUM": .string(try SageProFields.text(payload, "ornum", maxLength: 20, required: false) ?? ""),
            "INVAMT": .string(SageProFields.amount(total)), "TAX": .string(SageProFields.amount(tax)),
            "PAIDAMT": .string("0.00"), "BALANCE": .string(SageProFields.amount(total)),
        ])
        for line in lines {
            state.tables["ARTRAN"]!.append([
                "INVNO": .string(invno), "ITEM": .string(line.item), "DESCRIP": .string(line.description),
                "QTYSHP": .string(SageProFields.amount(line.quantity)), "PRICE": .string(SageProFields.amount(line.price)),
            ])
        }
        try adjust(custno, "BALANCE", by: total, &state)
        var entries = [("1200-00", total, Decimal(0)), ("4000-00", Decimal(0), subtotal)]
        if tax > 0 { entries.append(("2200-00", 0, tax)) }
        post(entries, reference: "INV \(invno)", &state)
        return .object(["invno": .string(invno), "balance": .string(SageProFields.amount(total))])
    }

    private func postCashReceipt(_ payload: JSONValue, _ state: inout Tables) throws -> JSONValue {
        let custno = try customer(payload, state)
        let amount = try SageProFields.positive(payload, "amount")
        // No invoice named: a payment on account, a credit on the customer until applied in Pro.
        guard let invno = try SageProFields.text(payload, "invno", maxLength: 10, required: false) else {
            return try receipt(custno: custno, invno: "", amount: amount, balance: nil, payload, &state)
        }
        guard let index = state.tables["ARMAST"]!.firstIndex(where: { $0["INVNO"]?.string == invno && $0["CUSTNO"]?.string == custno }) else {
            throw SageAgentProtocol.Failure(code: "not_found", message: "Customer \(custno) has no open invoice \(invno).", retryable: false)
        }
        let balance = Decimal(string: state.tables["ARMAST"]![index]["BALANCE"]?.string ?? "0") ?? 0
        guard amount <= balance else {
            throw SageAgentProtocol.Failure(
                code: "validation", message: "amount \(SageProFields.amount(amount)) exceeds invoice \(invno)'s balance \(SageProFields.amount(balance)).",
                retryable: false)
        }
        let paid = (Decimal(string: state.tables["ARMAST"]![index]["PAIDAMT"]?.string ?? "0") ?? 0) + amount
        state.tables["ARMAST"]![index]["PAIDAMT"] = .string(SageProFields.amount(paid))
        state.tables["ARMAST"]![index]["BALANCE"] = .string(SageProFields.amount(balance - amount))
        if balance - amount == 0 { state.tables["ARMAST"]![index]["ARSTAT"] = .string("P") }
        return try receipt(custno: custno, invno: invno, amount: amount, balance: balance - amount, payload, &state)
    }

    private func receipt(custno: String, invno: String, amount: Decimal, balance: Decimal?, _ payload: JSONValue, _ state: inout Tables) throws -> JSONValue {
        state.lastReceipt += 1
        let receipt = String(format: "CR%06d", state.lastReceipt)
        let paydate = try SageProFields.text(payload, "paydate", maxLength: 10, required: false) ?? Self.today()
        state.tables["ARCASH"]!.append([
            "RECEIPTNO": .string(receipt), "CUSTNO": .string(custno), "INVNO": .string(invno),
            "AMOUNT": .string(SageProFields.amount(amount)),
            "PAYDATE": .string(paydate),
            "REFERENCE": .string(try SageProFields.text(payload, "reference", maxLength: 30, required: false) ?? ""),
        ])
        try adjust(custno, "BALANCE", by: -amount, &state)
        post([("1050-00", amount, 0), ("1200-00", 0, amount)], reference: receipt, date: SageProFields.day(paydate), &state)
        var answer: [String: JSONValue] = ["receipt_no": .string(receipt)]
        if let balance { answer["invoice_balance"] = .string(SageProFields.amount(balance)) } else { answer["on_account"] = .bool(true) }
        return .object(answer)
    }

    private func postJournal(_ payload: JSONValue, _ state: inout Tables) throws -> JSONValue {
        let chart = Set(state.tables["GLACCT"]!.compactMap { $0["GLACNT"]?.string })
        let entries = try SageProFields.journal(payload, chart: chart).map { ($0.account, $0.debit, $0.credit) }
        let date = try SageProFields.text(payload, "date", maxLength: 10, required: false)
        guard date.map({ SageProFields.day($0) != nil }) ?? true else { throw SageProFields.invalid("date must be a date (MM/DD/YYYY or yyyy-MM-dd).") }
        let entry = post(
            entries, reference: try SageProFields.text(payload, "reference", maxLength: 30, required: false) ?? "", date: date.flatMap(SageProFields.day),
            &state)
        return .object(["entry_no": .string(entry)])
    }

    @discardableResult
    private func post(
        _ entries: [(account: String, debit: Decimal, credit: Decimal)], reference: String, date: String? = nil, _ state: inout Tables
    ) -> String {
        state.lastEntry += 1
        let entry = String(format: "GJ%06d", state.lastEntry)
        for line in entries {
            state.tables["GLTRAN"]!.append([
                "ENTRYNO": .string(entry), "GLACNT": .string(line.account), "DEBIT": .string(SageProFields.amount(line.debit)),
                "CREDIT": .string(SageProFields.amount(line.credit)), "REFERENCE": .string(reference), "TRANDATE": .string(date ?? Self.today()),
            ])
        }
        return entry
    }

    /// Deletes the receipt whose reference is `reference`, as a Pro user voiding it would: the
    /// invoice and the customer owe again and its GL postings are gone; the agent's crosswalk
    /// still remembers it. The receipt number, or nil when there is none.
    public func dropReceipt(reference: String) -> String? {
        state.withLock { state in
            guard let index = state.tables["ARCASH"]!.firstIndex(where: { $0["REFERENCE"]?.string == reference }) else { return nil }
            let receipt = state.tables["ARCASH"]!.remove(at: index)
            let number = receipt["RECEIPTNO"]?.string ?? ""
            let amount = Decimal(string: receipt["AMOUNT"]?.string ?? "0") ?? 0
            if let invno = receipt["INVNO"]?.string, !invno.isEmpty,
                let invoice = state.tables["ARMAST"]!.firstIndex(where: { $0["INVNO"]?.string == invno })
            {
                let row = state.tables["ARMAST"]![invoice]
                let paid = (Decimal(string: row["PAIDAMT"]?.string ?? "0") ?? 0) - amount
                let balance = (Decimal(string: row["BALANCE"]?.string ?? "0") ?? 0) + amount
                state.tables["ARMAST"]![invoice]["PAIDAMT"] = .string(SageProFields.amount(paid))
                state.tables["ARMAST"]![invoice]["BALANCE"] = .string(SageProFields.amount(balance))
                state.tables["ARMAST"]![invoice]["ARSTAT"] = .string(" ")
            }
            try? adjust(receipt["CUSTNO"]?.string ?? "", "BALANCE", by: amount, &state)
            state.tables["GLTRAN"]!.removeAll { $0["REFERENCE"]?.string == number }
            return number
        }
    }

    /// A second receipt keyed by hand for the customer and amount of the one whose reference is
    /// `reference`: on account, with no PayTrace reference. Its number, or nil.
    public func duplicateReceipt(reference: String) -> String? {
        state.withLock { state in
            guard let original = state.tables["ARCASH"]!.first(where: { $0["REFERENCE"]?.string == reference }),
                let custno = original["CUSTNO"]?.string, let amount = original["AMOUNT"]?.string.flatMap({ Decimal(string: $0) })
            else { return nil }
            let payload: JSONValue = .object(["paydate": original["PAYDATE"] ?? .null, "reference": .string("MANUAL")])
            return (try? receipt(custno: custno, invno: "", amount: amount, balance: nil, payload, &state))?["receipt_no"]?.string
        }
    }

    private func listCashReceipts(_ payload: JSONValue, _ state: Tables) throws -> JSONValue {
        let period = try SageProFields.period(payload)
        let receipts = state.tables["ARCASH"]!.filter { row in row["PAYDATE"]?.string.flatMap(SageProFields.day).map(period.contains) == true }
        let (page, next) = try SageProFields.page(receipts, payload)
        let items = page.map { row -> JSONValue in
            .object([
                "receipt_no": row["RECEIPTNO"] ?? .null, "custno": row["CUSTNO"] ?? .null, "invno": row["INVNO"] ?? .null,
                "amount": row["AMOUNT"] ?? .null, "paydate": .string(SageProFields.day(row["PAYDATE"]?.string ?? "") ?? ""),
                "reference": row["REFERENCE"] ?? .null,
            ])
        }
        var answer: [String: JSONValue] = ["receipts": .array(items)]
        if let next { answer["next"] = next }
        return .object(answer)
    }

    /// ARMAST's open invoices (a balance above zero) due on or before `due_by`, in invoice order.
    private func listOpenInvoices(_ payload: JSONValue, _ state: Tables) throws -> JSONValue {
        guard let dueBy = try SageProFields.text(payload, "due_by", maxLength: 10, required: true).flatMap(SageProFields.day) else {
            throw SageAgentProtocol.Failure(code: "validation", message: "due_by must be a day, yyyy-MM-dd.", retryable: false)
        }
        let open = state.tables["ARMAST"]!.filter { row in
            (Decimal(string: row["BALANCE"]?.string ?? "0") ?? 0) > 0 && (row["DUEDATE"]?.string ?? "9999-12-31") <= dueBy
        }
        let (page, next) = try SageProFields.page(open, payload)
        let companies = Dictionary(
            state.tables["ARCUST"]!.compactMap { row in row["CUSTNO"]?.string.map { ($0, row["COMPANY"] ?? .null) } }, uniquingKeysWith: { first, _ in first })
        let items = page.map { row -> JSONValue in
            .object([
                "invno": row["INVNO"] ?? .null, "custno": row["CUSTNO"] ?? .null, "company": companies[row["CUSTNO"]?.string ?? ""] ?? .null,
                "balance": row["BALANCE"] ?? .null, "duedate": row["DUEDATE"] ?? .null,
            ])
        }
        var answer: [String: JSONValue] = ["invoices": .array(items)]
        if let next { answer["next"] = next }
        return .object(answer)
    }

    private func listLedger(_ payload: JSONValue, _ state: Tables) throws -> JSONValue {
        let account = try SageProFields.text(payload, "account", maxLength: 12, required: true)!
        let period = try SageProFields.period(payload)
        let rows = state.tables["GLTRAN"]!.filter { row in row["GLACNT"]?.string == account && row["TRANDATE"]?.string.map(period.contains) == true }
        let (page, next) = try SageProFields.page(rows, payload)
        let lines = page.map { row -> JSONValue in
            .object([
                "entry_no": row["ENTRYNO"] ?? .null, "account": .string(account), "debit": row["DEBIT"] ?? .null, "credit": row["CREDIT"] ?? .null,
                "reference": row["REFERENCE"] ?? .null, "trandate": row["TRANDATE"] ?? .null,
            ])
        }
        var answer: [String: JSONValue] = ["lines": .array(lines)]
        if let next { answer["next"] = next }
        return .object(answer)
    }

    private func customer(_ payload: JSONValue, _ state: Tables) throws -> String {
        let custno = try SageProFields.text(payload, "custno", maxLength: 6, required: true)!.uppercased()
        guard state.tables["ARCUST"]!.contains(where: { $0["CUSTNO"]?.string == custno }) else {
            throw SageAgentProtocol.Failure(code: "not_found", message: "Customer \(custno) does not exist.", retryable: false)
        }
        return custno
    }

    private func adjust(_ custno: String, _ field: String, by delta: Decimal, _ state: inout Tables) throws {
        guard let index = state.tables["ARCUST"]!.firstIndex(where: { $0["CUSTNO"]?.string == custno }) else { return }
        let current = Decimal(string: state.tables["ARCUST"]![index][field]?.string ?? "0") ?? 0
        state.tables["ARCUST"]![index][field] = .string(SageProFields.amount(current + delta))
    }

    static func today() -> String { SandboxResponses.formatter("yyyy-MM-dd").string(from: Date()) }
    static func day(daysFromToday days: Int) -> String {
        SandboxResponses.formatter("yyyy-MM-dd").string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }
}
