public import Foundation
import Domain
public import Connectors
import Synchronization

/// The agent's fallback when it may not write to Pro's tables (../shared/reference/sage-pro.md
/// A.6, 3c): each command becomes Sage Pro import files in a folder, which Pro's own import or
/// posting program reads, so Pro's posting logic (GL distributions, balances) stays Pro's.
///
/// Files are named `<sequence>_<TABLE><company>.csv` (`000003_SOMAST01.csv`), one sequence
/// number per command, so a folder sorted by name is the order to import in. Each appears whole:
/// it is written under a hidden name and renamed, and a command's line files appear before its
/// header file.
///
/// Pro imports a file twice if given it twice, so the backend keeps its own crosswalk from each
/// command's external id to what it wrote, in `.clearline-agent.json` beside the files, and
/// answers a repeated id with the first outcome. It numbers documents itself (SONO, INVNO,
/// receipt and entry numbers) so later commands can name them; the state is saved after the
/// files, and the numbers come from the saved state, so a crash in between rewrites the same
/// files with the same content.
public final class FileDropBackend: SageProBackend {
    struct Invoice: Codable {
        var custno: String
        var balance: Decimal
    }

    struct State: Codable {
        var nextFile = 1
        var lastSalesOrder = 0
        var lastInvoice = 100_000
        var lastReceipt = 0
        var lastEntry = 0
        var customers: [String: String] = [:]
        var invoices: [String: Invoice] = [:]
        var crosswalk: [String: JSONValue] = [:]
    }

    public let folder: URL
    public let companyNumber: String
    let chart: Set<String>
    private let state: Mutex<State>
    static let stateName = ".clearline-agent.json"

    /// Reads the state a previous run left in `folder` (creating the folder if need be).
    public init(folder: URL, companyNumber: String = "01", chart: [String] = SageProFields.demoChart.map(\.account)) throws {
        self.folder = folder
        self.companyNumber = companyNumber
        self.chart = Set(chart)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let saved = folder.appendingPathComponent(Self.stateName)
        if FileManager.default.fileExists(atPath: saved.path) {
            state = Mutex(try JSONDecoder().decode(State.self, from: Data(contentsOf: saved)))
        } else {
            state = Mutex(State())
        }
    }

    public func apply(_ command: SageAgentProtocol.Command) -> SageAgentProtocol.Result {
        guard let type = SageAgentProtocol.CommandType(rawValue: command.type) else {
            return .failed(command.commandId, .init(code: "unknown_command", message: "This agent does not know \(command.type).", retryable: false))
        }
        if type == .ping {
            return .succeeded(command.commandId, .object(["agent_version": .string("file-drop-1"), "company": .string(companyNumber)]))
        }
        if type.isRead {
            // Import files only go into Pro; nothing comes back out through them.
            return .failed(
                command.commandId,
                .init(
                    code: "unsupported", message: "A file-drop agent cannot read Pro's tables (\(command.type)); reconcile through a database agent.",
                    retryable: false))
        }
        return state.withLock { state in
            if let earlier = state.crosswalk[command.externalId] { return .succeeded(command.commandId, earlier) }
            var draft = state
            do {
                let (result, files) = try perform(type, command.payload, externalId: command.externalId, &draft)
                let names = try write(files, sequence: draft.nextFile)
                draft.nextFile += 1
                var fields = result.object ?? [:]
                fields["files"] = .array(names.map(JSONValue.string))
                let answer = JSONValue.object(fields)
                draft.crosswalk[command.externalId] = answer
                try save(draft)
                state = draft
                return .succeeded(command.commandId, answer)
            } catch let failure as SageAgentProtocol.Failure {
                return .failed(command.commandId, failure)
            } catch {
                // The disk, not the command: the same command may succeed once there is room.
                return .failed(
                    command.commandId, .init(code: "internal", message: "Could not write the import files: \(error.localizedDescription)", retryable: true))
            }
        }
    }

    /// The import files written so far, in import order.
    public func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "csv" && !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    private func perform(_ type: SageAgentProtocol.CommandType, _ payload: JSONValue, externalId: String, _ state: inout State) throws -> (
        JSONValue, [ImportFile]
    ) {
        let extid = String(externalId.prefix(60))
        let today = Self.date(Date())
        switch type {
        case .ping, .listCashReceipts, .listLedger, .listOpenInvoices:
            return (.object([:]), [])
        case .upsertCustomer:
            let requested = try SageProFields.text(payload, "custno", maxLength: 6, required: false)?.uppercased()
            let fields = ["company", "contact", "address1", "address2", "city", "state", "zip", "country", "phone", "email"]
            let values = try fields.map { try SageProFields.text(payload, $0, maxLength: 40, required: false) }
            let updating = requested.map { state.customers[$0] != nil } ?? false
            let company =
                try values[0] ?? (updating ? state.customers[requested!] : nil) ?? SageProFields.text(payload, "company", maxLength: 40, required: true)!
            let custno = requested ?? SageProFields.nextCustomerNumber(company, taken: Set(state.customers.keys))
            state.customers[custno] = company
            // A = add, U = update only the fields given (blank leaves Pro's value).
            let file = ImportFile(
                table: "ARCUST", columns: ["ACTION", "CUSTNO"] + fields.map { $0.uppercased() } + ["ADDDATE", "EXTID"],
                rows: [[updating ? "U" : "A", custno] + values.map { $0 ?? "" } + [today, extid]])
            return (.object(["custno": .string(custno), "action": .string(updating ? "updated" : "created")]), [file])
        case .createSalesOrder:
            let custno = try customer(payload, state)
            let lines = try SageProFields.lines(payload, quantityField: "qtyord")
            state.lastSalesOrder += 1
            let sono = SageProFields.salesOrderNumber(state.lastSalesOrder)
            let total = lines.reduce(Decimal(0)) { $0 + $1.amount }
            let header = ImportFile(
                table: "SOMAST", columns: ["SONO", "CUSTNO", "SODATE", "PONUM", "ORDAMT", "EXTID"],
                rows: [
                    [sono, custno, today, try SageProFields.text(payload, "ponum", maxLength: 20, required: false) ?? "", SageProFields.amount(total), extid]
                ])
            let detail = Self.lineFile("SOTRAN", key: ("SONO", sono), quantity: "QTYORD", lines)
            return (.object(["sono": .string(sono), "ordamt": .string(SageProFields.amount(total))]), [detail, header])
        case .createInvoice:
            let custno = try customer(payload, state)
            let lines = try SageProFields.lines(payload, quantityField: "qty")
            let tax = try SageProFields.money(payload, "tax", required: false) ?? 0
            let total = lines.reduce(Decimal(0)) { $0 + $1.amount } + tax
            state.lastInvoice += 1
            let invno = String(state.lastInvoice)
            state.invoices[invno] = Invoice(custno: custno, balance: total)
            let header = ImportFile(
                table: "ARMAST", columns: ["INVNO", "CUSTNO", "INVDTE", "ORNUM", "INVAMT", "TAX", "EXTID"],
                rows: [
                    [
                        invno, custno, today, try SageProFields.text(payload, "ornum", maxLength: 20, required: false) ?? "",
                        SageProFields.amount(total), SageProFields.amount(tax), extid,
                    ]
                ])
            let detail = Self.lineFile("ARTRAN", key: ("INVNO", invno), quantity: "QTYSHP", lines)
            return (.object(["invno": .string(invno), "balance": .string(SageProFields.amount(total))]), [detail, header])
        case .postCashReceipt:
            let custno = try customer(payload, state)
            let amount = try SageProFields.positive(payload, "amount")
            let invno = try SageProFields.text(payload, "invno", maxLength: 10, required: false)
            var balance: Decimal?
            if let invno {
                // Only invoices this agent wrote are known to it: it cannot read Pro's tables.
                guard let invoice = state.invoices[invno], invoice.custno == custno else {
                    throw SageAgentProtocol.Failure(
                        code: "not_found", message: "Customer \(custno) has no invoice \(invno) written by this agent.", retryable: false)
                }
                guard amount <= invoice.balance else {
                    throw SageProFields.invalid(
                        "amount \(SageProFields.amount(amount)) exceeds invoice \(invno)'s balance \(SageProFields.amount(invoice.balance)).")
                }
                state.invoices[invno]?.balance -= amount
                balance = invoice.balance - amount
            }
            state.lastReceipt += 1
            let receipt = String(format: "CR%06d", state.lastReceipt)
            // A blank INVNO is a payment on account, applied in Pro later.
            let file = ImportFile(
                table: "ARCASH", columns: ["RECEIPTNO", "CUSTNO", "INVNO", "PAYDATE", "AMOUNT", "REFERENCE", "EXTID"],
                rows: [
                    [
                        receipt, custno, invno ?? "", try SageProFields.text(payload, "paydate", maxLength: 10, required: false) ?? today,
                        SageProFields.amount(amount), try SageProFields.text(payload, "reference", maxLength: 30, required: false) ?? "", extid,
                    ]
                ])
            var answer: [String: JSONValue] = ["receipt_no": .string(receipt)]
            if let balance { answer["invoice_balance"] = .string(SageProFields.amount(balance)) } else { answer["on_account"] = .bool(true) }
            return (.object(answer), [file])
        case .postJournal:
            let entries = try SageProFields.journal(payload, chart: chart)
            state.lastEntry += 1
            let entry = String(format: "GJ%06d", state.lastEntry)
            let reference = try SageProFields.text(payload, "reference", maxLength: 30, required: false) ?? ""
            let given = try SageProFields.text(payload, "date", maxLength: 10, required: false)
            guard let date = given.map(SageProFields.proDate) ?? today else { throw SageProFields.invalid("date must be a date (MM/DD/YYYY or yyyy-MM-dd).") }
            let file = ImportFile(
                table: "GLTRAN", columns: ["ENTRYNO", "LINENO", "TRANDATE", "GLACNT", "DEBIT", "CREDIT", "DESCRIP", "REFERENCE", "EXTID"],
                rows: entries.enumerated().map {
                    [
                        entry, String($0.offset + 1), date, $0.element.account, SageProFields.amount($0.element.debit),
                        SageProFields.amount($0.element.credit), $0.element.description, reference, extid,
                    ]
                })
            return (.object(["entry_no": .string(entry)]), [file])
        }
    }

    /// A document's lines (SOTRAN, ARTRAN): its key, a line number from 1, item, quantity and prices.
    static func lineFile(_ table: String, key: (column: String, value: String), quantity: String, _ lines: [SageProFields.Line]) -> ImportFile {
        ImportFile(
            table: table, columns: [key.column, "LINENO", "ITEM", "DESCRIP", quantity, "PRICE", "EXTPRICE"],
            rows: lines.enumerated().map { number, line in
                [
                    key.value, String(number + 1), line.item, line.description, SageProFields.amount(line.quantity),
                    SageProFields.amount(line.price), SageProFields.amount(line.amount),
                ]
            })
    }

    private func customer(_ payload: JSONValue, _ state: State) throws -> String {
        let custno = try SageProFields.text(payload, "custno", maxLength: 6, required: true)!.uppercased()
        guard state.customers[custno] != nil else {
            throw SageAgentProtocol.Failure(code: "not_found", message: "Customer \(custno) was not written by this agent.", retryable: false)
        }
        return custno
    }

    private func write(_ files: [ImportFile], sequence: Int) throws -> [String] {
        try files.map { file in
            let name = String(format: "%06d_", sequence) + file.table + companyNumber + ".csv"
            try replace(folder.appendingPathComponent(name), with: file.data)
            return name
        }
    }

    private func save(_ state: State) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try replace(folder.appendingPathComponent(Self.stateName), with: encoder.encode(state))
    }

    /// Written under a hidden name, then renamed over: a reader never sees half a file.
    private func replace(_ url: URL, with data: Data) throws {
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        try data.write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "MM/dd/yyyy"
        return formatter.string(from: date)
    }
}
