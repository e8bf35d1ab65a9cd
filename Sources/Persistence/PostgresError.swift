public import Domain
/// A database failure. Its description carries the SQLSTATE and the server's primary message,
/// never the bound parameters, so values cannot leak into logs through an error.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    // `message` stays available to code that decides what to do; it is never logged by default.
    public enum Kind: Sendable, Equatable {
        /// The connection is gone (server restart, network); the pool drops it and dials again.
        case connection
        /// The server rejected the statement; `sqlState` says why.
        case server
        /// No connection could be leased in time.
        case poolExhausted
        /// The pool was shut down.
        case poolClosed
        /// A row did not hold the column or type the caller asked for.
        case decoding
    }

    public let kind: Kind
    public let sqlState: String?
    public let message: String
    public let constraint: String?

    init(kind: Kind, sqlState: String? = nil, message: String, constraint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.constraint = constraint
    }

    /// Kind, SQLSTATE and constraint only: PostgreSQL's own message often quotes the offending
    /// value (`invalid input syntax for type integer: "..."`), so it stays out of logs.
    public var description: String {
        "PostgresError(\(kind), sqlstate: \(sqlState ?? "-")\(constraint.map { ", constraint: \($0)" } ?? ""))"
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// Input PostgreSQL cannot keep: invalid_text_representation (not JSON, not a UUID),
    /// untranslatable_character (a `\u0000` in a JSON string) and statement_too_complex (JSON
    /// nested past the stack's depth). The sender's to fix, never a reason to retry.
    public var isInvalidInput: Bool { sqlState == "22P02" || sqlState == "22P05" || sqlState == "54001" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// Class 08 (connection exception) and 57P0x (operator intervention: shutdown, terminated).
    public var isConnectionLoss: Bool {
        kind == .connection || (sqlState?.hasPrefix("08") ?? false) || (sqlState?.hasPrefix("57P0") ?? false)
    }
    /// Errors a caller may see as "try again shortly" rather than a bug.
    public var isUnavailable: Bool { isConnectionLoss || kind == .poolExhausted || kind == .poolClosed }
}

extension PostgresError: StoreFailure {}
