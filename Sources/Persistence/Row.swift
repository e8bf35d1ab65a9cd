public import Foundation
import Domain

/// One result row, decoded from libpq's text format by column name.
public struct Row: Sendable {
    /// The result's column names, shared by its rows. Searched in place, from the end (a name
    /// given twice reads as the last one): for the dozen short names of a row, comparing is
    /// cheaper than hashing, which a dictionary did on every field read and for every result.
    let columns: [String]
    let values: [String?]

    public func string(_ name: String) throws -> String {
        guard let v = optionalString(name) else { throw decoding(name, "is null") }
        return v
    }

    public func optionalString(_ name: String) -> String? {
        guard let i = columns.lastIndex(of: name) else { return nil }
        return values[i]
    }

    public func int(_ name: String) throws -> Int {
        guard let v = Int(try string(name)) else { throw decoding(name, "is not an integer") }
        return v
    }

    public func int64(_ name: String) throws -> Int64 {
        guard let v = Int64(try string(name)) else { throw decoding(name, "is not an integer") }
        return v
    }

    public func bool(_ name: String) throws -> Bool { try string(name) == "t" }

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
        guard let v = UUID(text: try string(name)) else { throw decoding(name, "is not a uuid") }
        return v
    }

    public func optionalUUID(_ name: String) throws -> UUID? {
        guard let s = optionalString(name) else { return nil }
        guard let v = UUID(text: s) else { throw decoding(name, "is not a uuid") }
        return v
    }

    public func date(_ name: String) throws -> Date {
        guard let v = Timestamp.parse(try string(name)) else { throw decoding(name, "is not a timestamp") }
        return v
    }

    public func optionalDate(_ name: String) throws -> Date? {
        guard let s = optionalString(name) else { return nil }
        guard let v = Timestamp.parse(s) else { throw decoding(name, "is not a timestamp") }
        return v
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
