import Foundation

/// A CSV file as RFC 4180 writes it (quoted fields may hold commas, quotes and line breaks),
/// tolerant of what spreadsheets add: a byte-order mark, LF line ends, a last empty line.
/// Each record keeps the line it starts on, so an error can point a person at it.
public struct CSVTable: Sendable, Equatable {
    public struct Record: Sendable, Equatable {
        public let line: Int
        public let values: [String]
    }

    public let header: [String]
    public let records: [Record]

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case unterminatedQuote(line: Int)
        case quoteInsideField(line: Int)
        case width(line: Int, expected: Int, found: Int)

        public var description: String {
            switch self {
            case .empty: "The file is empty; the first line must name the columns."
            case .unterminatedQuote(let line): "Line \(line): a quoted field is never closed."
            case .quoteInsideField(let line): "Line \(line): a quote inside an unquoted field; quote the whole field and double the quote."
            case .width(let line, let expected, let found): "Line \(line): \(found) fields where the header has \(expected)."
            }
        }
    }

    public init(parsing text: String) throws {
        var rows: [Record] = []
        var row: [String] = [], field = "", quoted = false, wasQuoted = false
        var line = 1, rowLine = 1
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        func endRow() {
            row.append(field)
            if !(row.count == 1 && row[0].isEmpty && !wasQuoted) { rows.append(Record(line: rowLine, values: row)) }
            row = []; field = ""; wasQuoted = false
        }
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" { field.unicodeScalars.append("\""); scalars.removeFirst() } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !wasQuoted else { throw ParseError.quoteInsideField(line: line) }
                quoted = true; wasQuoted = true
            case ",":
                row.append(field); field = ""; wasQuoted = false
            case "\r" where scalars.first == "\n":
                break
            case "\n":
                endRow(); line += 1; rowLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw ParseError.unterminatedQuote(line: rowLine) }
        if !field.isEmpty || !row.isEmpty || wasQuoted { endRow() }
        guard let first = rows.first else { throw ParseError.empty }
        header = first.values.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        records = Array(rows.dropFirst())
        for record in records where record.values.count != header.count {
            throw ParseError.width(line: record.line, expected: header.count, found: record.values.count)
        }
    }

    /// Each record as column name → value.
    public var dictionaries: [(line: Int, values: [String: String])] {
        records.map { record in (record.line, Dictionary(zip(header, record.values), uniquingKeysWith: { first, _ in first })) }
    }
}
