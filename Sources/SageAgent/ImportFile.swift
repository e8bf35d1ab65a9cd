public import Foundation

/// One Sage Pro import file: a header row of Pro's field names, then one row per record, as
/// CSV that FoxPro's `APPEND FROM ... TYPE CSV` and the staging-import add-ons read: CRLF line
/// ends, Windows-1252 text, a field quoted when it holds a comma, a quote, a line break or an
/// edge space (and its quotes doubled).
public struct ImportFile: Sendable, Equatable {
    public let table: String
    public let columns: [String]
    public var rows: [[String]]

    public init(table: String, columns: [String], rows: [[String]] = []) {
        self.table = table
        self.columns = columns
        self.rows = rows
    }

    public var text: String {
        ([columns] + rows).map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// Windows-1252; a character it cannot hold becomes `?` rather than failing the import.
    public var data: Data {
        text.data(using: .windowsCP1252, allowLossyConversion: true) ?? Data(text.utf8)
    }

    static func field(_ value: String) -> String {
        // SONO's leading spaces are part of the key: quoted, so no reader trims them.
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) || value.hasPrefix(" ") || value.hasSuffix(" ") else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
