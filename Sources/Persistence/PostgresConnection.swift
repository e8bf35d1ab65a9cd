import CPostgres
import Foundation
public import Logging

/// Owns one `PGconn`. Deliberately not `Sendable`: a connection is used by one thread at a
/// time, through a lease from `ConnectionPool`. libpq calls block, so they run on the
/// caller's own thread (an HTTP handler thread or a worker thread), never on Swift's
/// cooperative pool.
public final class PostgresConnection {
    private let handle: OpaquePointer
    private let noticeSink: Unmanaged<NoticeSink>
    public private(set) var isBroken = false

    public init(conninfo: String, logger: Logger) throws {
        guard let conn = PQconnectdb(conninfo) else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = Self.firstLine(PQerrorMessage(conn))
            PQfinish(conn)
            throw PostgresError(kind: .connection, message: message)
        }
        handle = conn
        noticeSink = Unmanaged.passRetained(NoticeSink(logger: logger))
        PQsetNoticeProcessor(conn, NoticeSink.processor, noticeSink.toOpaque())
        // Every timestamp crosses the wire in UTC ISO form, which Timestamp.parse reads.
        try execute("SET TIME ZONE 'UTC'")
        try execute("SET DateStyle = 'ISO, YMD'")
    }

    deinit {
        PQfinish(handle)
        noticeSink.release()
    }

    /// Runs one statement with text-format bind parameters and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> [Row] {
        let texts = parameters.map { $0.sqlText }
        let result: OpaquePointer? = withCStrings(texts) { pointers in
            PQexecParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        return try consume(result)
    }

    /// Runs SQL text that may hold several statements and no parameters (migrations, BEGIN/COMMIT).
    public func execute(_ sql: String) throws {
        _ = try consume(PQexec(handle, sql))
    }

    public var isHealthy: Bool { !isBroken && PQstatus(handle) == CONNECTION_OK }

    /// True while a transaction block is open or failed, so the pool never hands one out mid-transaction.
    var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    private func consume(_ result: OpaquePointer?) throws -> [Row] {
        guard let result else {
            isBroken = PQstatus(handle) != CONNECTION_OK
            throw PostgresError(kind: .connection, message: Self.firstLine(PQerrorMessage(handle)))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return []
        case PGRES_TUPLES_OK:
            return decodeRows(result)
        default:
            let sqlState = cpq_sqlstate(result).map { String(cString: $0) }
            let message = cpq_primary_message(result).map { String(cString: $0) } ?? Self.firstLine(PQerrorMessage(handle))
            let constraint = cpq_constraint(result).map { String(cString: $0) }
            if PQstatus(handle) != CONNECTION_OK { isBroken = true }
            let kind: PostgresError.Kind = sqlState == nil && isBroken ? .connection : .server
            let error = PostgresError(kind: kind, sqlState: sqlState, message: message, constraint: constraint)
            if error.isConnectionLoss { isBroken = true }
            throw error
        }
    }

    private func decodeRows(_ result: OpaquePointer) -> [Row] {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var columns: [String: Int] = [:]
        for c in 0..<columnCount { columns[String(cString: PQfname(result, Int32(c)))] = c }
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for c in 0..<columnCount {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(r), Int32(c))))
                }
            }
            rows.append(Row(columns: columns, values: values))
        }
        return rows
    }

    private static func firstLine(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        let text = String(cString: message)
        return text.split(separator: "\n").first.map(String.init) ?? "unknown libpq error"
    }
}

@available(*, unavailable)
extension PostgresConnection: Sendable {}

/// Routes libpq notices (RAISE NOTICE, warnings) to the logger instead of stderr.
final class NoticeSink: @unchecked Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }

    static let processor: PQnoticeProcessor = { arg, message in
        guard let arg, let message else { return }
        let sink = Unmanaged<NoticeSink>.fromOpaque(arg).takeUnretainedValue()
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        sink.logger.notice("postgres notice", metadata: ["notice": .string(text)])
    }
}

/// Calls `body` with NUL-terminated copies of `strings` that live for the duration of the call.
private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let owned: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } }
    defer { for p in owned { free(p) } }
    return body(owned.map { $0.map { UnsafePointer($0) } })
}
