public import Foundation
import Domain

/// One result row, decoded from libpq's text format by column name, value by value as asked.
public struct Row: Sendable {
    let result: PostgresResult
    let index: Int

    /// Calls `body` with the named column's bytes; nil when NULL or when there is no such column.
    /// The names are searched in place, from the end (a name given twice reads as the last one):
    /// for the dozen short names of a row, comparing is cheaper than hashing.
    private func value<T>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T) rethrows -> T {
        guard let column = column(name) else { return try body(nil) }
        return try result.withValue(row: index, column: column, body)
    }

    /// Lengths first: comparing a name with every column's was 2 % of a list's work (callgrind).
    private func column(_ name: String) -> Int? {
        let columns = result.columns
        let length = name.utf8.count
        var column = columns.count - 1
        while column >= 0 {
            if columns[column].utf8.count == length && columns[column] == name { return column }
            column -= 1
        }
        return nil
    }

    public func string(_ name: String) throws -> String {
        guard let v = optionalString(name) else { throw decoding(name, "is null") }
        return v
    }

    public func optionalString(_ name: String) -> String? {
        value(name) { bytes in bytes.map { String(decoding: $0, as: UTF8.self) } }
    }

    public func int(_ name: String) throws -> Int {
        guard let v = Int(try string(name)) else { throw decoding(name, "is not an integer") }
        return v
    }

    public func int64(_ name: String) throws -> Int64 {
        guard let v = Int64(try string(name)) else { throw decoding(name, "is not an integer") }
        return v
    }

    public func bool(_ name: String) throws -> Bool {
        try value(name) { bytes in
            guard let bytes else { throw decoding(name, "is null") }
            return bytes.count == 1 && bytes[0] == UInt8(ascii: "t")
        }
    }

    /// A `numeric` column (select it `::text`), as Decimal, never through a Double: numeric(18,4)
    /// reads as "108.2500", which as a Decimal equals what was entered.
    public func decimal(_ name: String) throws -> Decimal {
        guard let v = try optionalDecimal(name) else { throw decoding(name, "is null") }
        return v
    }

    public func optionalDecimal(_ name: String) throws -> Decimal? {
        guard let text = optionalString(name) else { return nil }
        guard let v = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { throw decoding(name, "is not a number") }
        return v
    }

    public func uuid(_ name: String) throws -> UUID {
        guard let v = try optionalUUID(name) else { throw decoding(name, "is null") }
        return v
    }

    /// Parsed from the value's bytes, with no String in between (every row holds a few ids).
    public func optionalUUID(_ name: String) throws -> UUID? {
        try value(name) { bytes in
            guard let bytes else { return nil }
            guard let v = UUID(utf8: bytes) else { throw decoding(name, "is not a uuid") }
            return v
        }
    }

    public func date(_ name: String) throws -> Date {
        guard let v = try optionalDate(name) else { throw decoding(name, "is null") }
        return v
    }

    public func optionalDate(_ name: String) throws -> Date? {
        try value(name) { bytes in
            guard let bytes else { return nil }
            guard let v = Timestamp.parse(bytes) else { throw decoding(name, "is not a timestamp") }
            return v
        }
    }

    /// A text column holding one of a Domain enum's raw values (a state, a status).
    public func value<T: RawRepresentable>(_ name: String, as type: T.Type = T.self) throws -> T where T.RawValue == String {
        let text = try string(name)
        guard let value = T(rawValue: text) else { throw decoding(name, "holds \(text), not a \(T.self)") }
        return value
    }

    private func decoding(_ column: String, _ problem: String) -> PostgresError {
        PostgresError(kind: .decoding, message: "column \(column) \(problem)")
    }
}
