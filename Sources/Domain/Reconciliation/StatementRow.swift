public import Foundation

/// One row of a processor's statement or a bank deposit file: the day, the batch it pays (its
/// number), and gross = net + fees, exactly. PayTrace's API reports no fees; this is where the
/// actual ones come from, to replace the schedule's estimate.
public struct StatementRow: Sendable, Equatable {
    public let line: Int
    public let date: String
    public let batchNumber: Int
    public let gross: Decimal
    public let fees: Decimal
    public let net: Decimal

    public static let columns = ["date", "batch", "gross", "fees", "net"]

    /// The rows of `table` that read, and every problem, each named `line <n>.<column>`. A file is
    /// taken whole or not at all; the good rows are given even so, for their checks against the
    /// settlements, so that one answer names every bad row.
    public static func parse(_ table: CSVTable) -> ([StatementRow], [FieldError]) {
        let unknown = table.header.filter { !columns.contains($0) }
        let missing = columns.filter { !table.header.contains($0) }
        guard unknown.isEmpty, missing.isEmpty else {
            return (
                [],
                unknown.map { FieldError(field: "header.\($0)", message: "is not a statement column (date, batch, gross, fees, net)") }
                    + missing.map { FieldError(field: "header.\($0)", message: "is a required column") }
            )
        }
        var rows: [StatementRow] = [], errors: [FieldError] = [], seen: [Int: Int] = [:]
        for (line, values) in table.dictionaries {
            let prefix = "line \(line)."
            var rowErrors: [FieldError] = []
            let date = values["date"]?.trimmingCharacters(in: .whitespaces) ?? ""
            if Timestamp.day(date) == nil {
                rowErrors.append(FieldError(field: prefix + "date", message: "must be a day, yyyy-MM-dd"))
            }
            let batch = Int(values["batch"]?.trimmingCharacters(in: .whitespaces) ?? "").flatMap { $0 > 0 ? $0 : nil }
            if batch == nil { rowErrors.append(FieldError(field: prefix + "batch", message: "must be PayTrace's batch number")) }
            func amount(_ column: String, canBeNegative: Bool) -> Decimal? {
                let text = values[column]?.trimmingCharacters(in: .whitespaces) ?? ""
                guard let money = Money(string: text, currency: "USD"), canBeNegative || money.amount >= 0,
                    (text.split(separator: ".").dropFirst().first?.count ?? 0) <= 2
                else {
                    rowErrors.append(
                        FieldError(field: prefix + column, message: "must be an amount with at most two decimals\(canBeNegative ? "" : ", zero or more")"))
                    return nil
                }
                return money.amount
            }
            // A batch of refunds has a negative gross and net; fees are never negative.
            let gross = amount("gross", canBeNegative: true), fees = amount("fees", canBeNegative: false), net = amount("net", canBeNegative: true)
            if let gross, let fees, let net, gross != net + fees {
                rowErrors.append(FieldError(field: prefix + "net", message: "gross \(gross) less fees \(fees) is \(gross - fees), not \(net)"))
            }
            if let batch, let first = seen[batch] { rowErrors.append(FieldError(field: prefix + "batch", message: "repeats line \(first)'s batch")) }
            if let batch { seen[batch] = seen[batch] ?? line }
            errors += rowErrors
            if rowErrors.isEmpty, let batch, let gross, let fees, let net {
                rows.append(StatementRow(line: line, date: date, batchNumber: batch, gross: gross, fees: fees, net: net))
            }
        }
        return (rows, errors)
    }
}
