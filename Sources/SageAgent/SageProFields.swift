public import Foundation
public import Domain
public import Connectors

/// How a command's payload fields are read and checked the way Pro's 10-character xBase fields
/// need them (../shared/reference/sage-pro.md A.3), by every backend alike: text within its
/// length, amounts as decimal strings, never binary floating point.
public enum SageProFields {
    /// Pro's demo chart: enough accounts for receipts, sales, tax, processor fees and chargebacks.
    public static let demoChart: [(account: String, description: String)] = [
        ("1000-00", "Operating cash"), ("1050-00", "Undeposited funds"), ("1200-00", "Accounts receivable"),
        ("2200-00", "Sales tax payable"), ("4000-00", "Sales"), ("4900-00", "Sales returns and refunds"),
        ("6100-00", "Merchant processing fees"), ("6150-00", "Chargebacks"),
    ]

    public struct Line: Sendable {
        public let item: String
        public let description: String
        public let quantity: Decimal
        public let price: Decimal
        public var amount: Decimal { quantity * price }
    }

    public static func lines(_ payload: JSONValue, quantityField: String) throws -> [Line] {
        guard let lines = payload["lines"]?.array, !lines.isEmpty else { throw invalid("lines must be a non-empty array.") }
        return try lines.map { line in
            let quantity = try money(line, quantityField, required: true)!
            guard quantity > 0 else { throw invalid("\(quantityField) must be more than zero.") }
            let price = try money(line, "price", required: true)!
            guard price >= 0 else { throw invalid("price must not be negative.") }
            return Line(
                item: try text(line, "item", maxLength: 20, required: true)!, description: try text(line, "descrip", maxLength: 40, required: false) ?? "",
                quantity: quantity, price: price)
        }
    }

    /// Balanced journal lines on accounts of `chart`: each a debit or a credit, positive.
    public static func journal(_ payload: JSONValue, chart: Set<String>) throws -> [(account: String, debit: Decimal, credit: Decimal, description: String)] {
        guard let lines = payload["lines"]?.array, !lines.isEmpty else { throw invalid("lines must be a non-empty array.") }
        let entries = try lines.map { line in
            let account = try text(line, "account", maxLength: 12, required: true)!
            guard chart.contains(account) else {
                throw SageAgentProtocol.Failure(code: "not_found", message: "GL account \(account) is not in the chart of accounts.", retryable: false)
            }
            let debit = try money(line, "debit", required: false) ?? 0
            let credit = try money(line, "credit", required: false) ?? 0
            guard debit >= 0, credit >= 0, (debit == 0) != (credit == 0) else { throw invalid("each line needs either a debit or a credit, positive.") }
            return (account, debit, credit, try text(line, "descrip", maxLength: 30, required: false) ?? "")
        }
        let debits = entries.reduce(Decimal(0)) { $0 + $1.1 }, credits = entries.reduce(Decimal(0)) { $0 + $1.2 }
        guard debits == credits else { throw invalid("debits \(amount(debits)) do not equal credits \(amount(credits)).") }
        return entries
    }

    public static func text(_ payload: JSONValue, _ field: String, maxLength: Int, required: Bool) throws -> String? {
        guard let value = payload[field], value != .null else {
            if required { throw invalid("\(field) is required.") }
            return nil
        }
        guard let text = value.string, !text.isEmpty, text.count <= maxLength else {
            throw invalid("\(field) must be text of 1 to \(maxLength) characters.")
        }
        return text
    }

    public static func money(_ payload: JSONValue, _ field: String, required: Bool) throws -> Decimal? {
        guard let text = try self.text(payload, field, maxLength: 20, required: required) else { return nil }
        guard text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }), let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw invalid("\(field) must be a decimal string such as \"12.50\".")
        }
        return value
    }

    /// A required amount above zero (a receipt's, say).
    public static func positive(_ payload: JSONValue, _ field: String) throws -> Decimal {
        guard let value = try money(payload, field, required: true), value > 0 else { throw invalid("\(field) must be more than zero.") }
        return value
    }

    /// Two decimals, banker's rounding, no grouping: how Pro's N(12,2) fields are written.
    public static func amount(_ value: Decimal) -> String {
        var value = value, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .bankers)
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.minimumFractionDigits = 2
        formatter.maximumFractionDigits = 2
        formatter.minimumIntegerDigits = 1
        formatter.usesGroupingSeparator = false
        return formatter.string(from: NSDecimalNumber(decimal: rounded)) ?? "\(rounded)"
    }

    /// Pro's custom: letters of the name, then a counter (`ACME01`), six characters in all.
    public static func nextCustomerNumber(_ company: String, taken: Set<String>) -> String {
        let letters = String(company.uppercased().filter { $0.isASCII && $0.isLetter }.prefix(4)).padding(toLength: 4, withPad: "X", startingAt: 0)
        for counter in 1...99 where !taken.contains(letters + String(format: "%02d", counter)) {
            return letters + String(format: "%02d", counter)
        }
        return String(format: "C%05d", taken.count + 1)
    }

    /// Pro keeps SONO right-justified with spaces in a 10-character field.
    public static func salesOrderNumber(_ n: Int) -> String {
        String(repeating: " ", count: max(0, 10 - String(n).count)) + String(n)
    }

    /// A date field as yyyy-MM-dd: Pro's screens and imports write MM/DD/YYYY, Clearline's
    /// reads ask in ISO form, and a filter must compare the two.
    public static func day(_ text: String) -> String? {
        if text.contains("/") { return Timestamp.isoDay(fromUS: text) }
        return Timestamp.day(text) == nil ? nil : text
    }

    /// A date as Pro's import files write it, MM/DD/YYYY, from either form.
    public static func proDate(_ text: String) -> String? { day(text).flatMap(Timestamp.usDay) }

    /// A read's `from`/`to` period, both required, as yyyy-MM-dd.
    public static func period(_ payload: JSONValue) throws -> ClosedRange<String> {
        guard let from = try text(payload, "from", maxLength: 10, required: true).flatMap(day),
            let to = try text(payload, "to", maxLength: 10, required: true).flatMap(day), from <= to
        else { throw invalid("from and to must be dates (yyyy-MM-dd), from not after to.") }
        return from...to
    }

    /// One page of a read's `rows`: from the `after` cursor (an offset), at most `limit`
    /// (`SageAgentProtocol.readPageLimit` unless less is asked), and the cursor of the next page.
    public static func page<T>(_ rows: [T], _ payload: JSONValue) throws -> (rows: ArraySlice<T>, next: JSONValue?) {
        let start =
            try text(payload, "after", maxLength: 12, required: false).map { text -> Int in
                guard let offset = Int(text), offset >= 0 else { throw invalid("after must be the next cursor of an earlier page.") }
                return offset
            } ?? 0
        let limit =
            try payload["limit"].map { value -> Int in
                guard case .number(let n) = value, n >= 1, n <= Double(SageAgentProtocol.readPageLimit), n == n.rounded() else {
                    throw invalid("limit must be a whole number from 1 to \(SageAgentProtocol.readPageLimit).")
                }
                return Int(n)
            } ?? SageAgentProtocol.readPageLimit
        let end = min(rows.count, start + limit)
        return (start < end ? rows[start..<end] : [], end < rows.count ? .string(String(end)) : nil)
    }

    public static func invalid(_ message: String) -> SageAgentProtocol.Failure {
        SageAgentProtocol.Failure(code: "validation", message: message, retryable: false)
    }
}
