import CPostgres
import Foundation
public import Logging

/// Owns one `PGconn`. Deliberately not `Sendable`: a connection is used by one thread at a
/// time, through a lease from `ConnectionPool`. libpq calls block, so they run on the
/// caller's own thread (an HTTP handler thread or a worker thread), never on Swift's
/// cooperative pool.
public final class PostgresConnection {
    let handle: OpaquePointer
    private let noticeSink: Unmanaged<NoticeSink>
    public private(set) var isBroken = false
    /// SQL text → server-side prepared statement name. The statements are the code's own fixed
    /// strings, so the cache stays small; past the cap, statements run unprepared.
    private var prepared: [String: String] = [:]
    private static let preparedCap = 512
    /// A transaction's opening (BEGIN, its scope, the tenant check), held back to travel in one
    /// pipeline with the transaction's first statement: one round trip fewer for every
    /// transaction. `check` judges the opening's last statement's rows.
    private var opening: (plan: [(sql: String, parameters: [any SQLBindable])], check: ([Row]) throws -> Void)?
    /// Statements whose rows no one reads (a step's recorded row, its link, its run's status),
    /// held to travel with the transaction's next statement or its COMMIT, behind the opening if
    /// one is held too. In a batch of completions they were three round trips a job, on the one
    /// thread that commits for all the workers. A held statement's error surfaces there.
    private var held: [(sql: String, parameters: [any SQLBindable], then: (([Row]) throws -> Void)?)] = []
    /// A read of one statement (`Database.read`): its COMMIT travels with that statement, and
    /// the connection then takes no other until the read is over.
    private var readOfOne: ReadOfOne = .off
    enum ReadOfOne { case off, pending, committed }
    /// What a read of one round trip may send: one statement, or one pipeline of reads.
    enum OneTrip { case statement, reads }
    private var readOfOneTrip: OneTrip = .statement
    /// The read of one runs in the pipeline's implicit transaction: its opening has no BEGIN and
    /// its statement no COMMIT; the pipeline's Sync ends it. Two statements fewer for
    /// PostgreSQL on every read of a list or a record.
    private var readOfOneIsImplicit = false

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
        try execute(Self.sessionSettings)
    }

    /// The session's settings, sent in one round trip when a connection opens.
    /// - Every timestamp crosses the wire in UTC ISO form, which Timestamp.parse reads.
    /// - Short OLTP statements only: the job claim's recursive CTE is estimated high enough to be
    ///   JIT-compiled, which was measured at 50 ms of an 80 ms claim, every time.
    static let sessionSettings = "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET jit = off"

    deinit {
        PQfinish(handle)
        noticeSink.release()
    }

    /// Runs one statement with text-format bind parameters and returns its rows. The statement
    /// is prepared on first use on this connection: planning cost more than executing here.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> [Row] {
        switch readOfOne {
        case .committed:
            throw PostgresError(kind: .server, message: "a read of one statement made a second one: \(sql.prefix(60))")
        case .pending:
            readOfOne = .committed
            if readOfOneIsImplicit { return try afterOpening([(sql, parameters)])[0] }
            return try afterOpening([(sql, parameters), ("COMMIT", [])])[0]
        case .off:
            if opening != nil || !held.isEmpty { return try afterOpening([(sql, parameters)])[0] }
        }
        let texts = parameters.map { $0.sqlText }
        guard let name = try preparedName(for: sql, parameterCount: texts.count) else {
            return try consume(withCStrings(texts) { PQexecParams(handle, sql, $0, nil, $1, nil, nil, 0) })
        }
        return try consume(withCStrings(texts) { PQexecPrepared(handle, name, $0, $1, nil, nil, 0) })
    }

    /// Several statements in one round trip (with a held opening, if any, in front), each one's
    /// rows. In a read of reads together, they are its one round trip, with its COMMIT if it has one.
    func queries(_ plan: [(sql: String, parameters: [any SQLBindable])]) throws -> [[Row]] {
        switch readOfOne {
        case .committed:
            throw PostgresError(kind: .server, message: "a read of one round trip made a second one: \(plan.first?.sql.prefix(60) ?? "")")
        case .pending where readOfOneTrip == .statement:
            throw PostgresError(kind: .server, message: "a read of one statement was given several")
        case .pending:
            readOfOne = .committed
            if readOfOneIsImplicit { return try afterOpening(plan) }
            return Array(try afterOpening(plan + [("COMMIT", [])]).dropLast())
        case .off:
            return try afterOpening(plan)
        }
    }

    /// `plan` in one pipeline, behind the held opening if there is one (then judged by its check,
    /// and a lost connection reported as `OpeningLost`, since nothing of the transaction ran) and
    /// the held statements; the rows of `plan`'s statements only.
    private func afterOpening(_ plan: [(sql: String, parameters: [any SQLBindable])]) throws -> [[Row]] {
        let (heldOpening, heldStatements) = (opening, held)
        guard heldOpening != nil || !heldStatements.isEmpty else { return try pipeline(plan) }
        let openingCount = heldOpening?.plan.count ?? 0
        let front = (heldOpening?.plan ?? []) + heldStatements.map { ($0.sql, $0.parameters) }
        opening = nil
        held = []
        let results: [[Row]]
        do {
            results = try pipeline(front + plan)
        } catch let error as PostgresError where error.isConnectionLoss && heldOpening != nil {
            throw OpeningLost(underlying: error)
        }
        if let heldOpening { try heldOpening.check(results[openingCount - 1]) }
        for (index, statement) in heldStatements.enumerated() { try statement.then?(results[openingCount + index]) }
        return Array(results[front.count...])
    }

    /// Whether an opening or statements are held unsent: at a transaction's end that is a bug, and
    /// the connection must not serve another one, which would send them in its own scope.
    var holdsStatements: Bool { opening != nil || !held.isEmpty }

    /// Holds a statement until the transaction's next one (see `held`); `then` gets its rows then.
    func hold(_ sql: String, _ parameters: [any SQLBindable], then: (([Row]) throws -> Void)? = nil) {
        held.append((sql, parameters, then))
    }

    private func preparedName(for sql: String, parameterCount: Int) throws -> String? {
        if let name = prepared[sql] { return name }
        guard prepared.count < Self.preparedCap else { return nil }
        let name = "s\(prepared.count + 1)"
        _ = try consume(PQprepare(handle, name, sql, Int32(parameterCount), nil))
        prepared[sql] = name
        return name
    }

    /// Runs SQL text that may hold several statements and no parameters (migrations, BEGIN/COMMIT).
    public func execute(_ sql: String) throws {
        _ = try consume(PQexec(handle, sql))
    }

    /// Holds a transaction's opening until its first statement (see `opening`).
    func deferOpening(_ plan: [(sql: String, parameters: [any SQLBindable])], check: @escaping ([Row]) throws -> Void) {
        opening = (plan, check)
    }

    /// Forgets a held opening and held statements (a transaction whose body failed).
    func dropOpening() {
        opening = nil
        held = []
    }

    /// Starts or ends a read of one statement; `true` when its COMMIT has been sent (or, in an
    /// implicit transaction, its statement: the Sync after it committed).
    func beginReadOfOne(_ trip: OneTrip = .statement, implicitTransaction: Bool = false) {
        readOfOne = .pending
        readOfOneTrip = trip
        readOfOneIsImplicit = implicitTransaction
    }

    func endReadOfOne() -> Bool {
        defer {
            readOfOne = .off
            readOfOneIsImplicit = false
        }
        return readOfOne == .committed
    }

    /// Sends a held opening with nothing after it and judges it: an implicit read whose body
    /// sent nothing still learns whether its tenant exists.
    func sendHeldOpening() throws {
        if opening != nil || !held.isEmpty { _ = try afterOpening([]) }
    }

    static func settingsStatement(_ settings: [(name: String, value: String)]) -> (sql: String, parameters: [any SQLBindable]) {
        var sql = "SELECT "
        var values: [any SQLBindable] = []
        for (index, setting) in settings.enumerated() {
            sql += (index > 0 ? ", " : "") + "set_config($\(2 * index + 1), $\(2 * index + 2), true)"
            values += [setting.name, setting.value]
        }
        return (sql, values)
    }

    /// Sends every statement, then one sync, and reads every result: one round trip for all. On
    /// the first error the server skips the rest; that error is thrown. Returns each statement's rows.
    func pipeline(_ plan: [(sql: String, parameters: [any SQLBindable])]) throws -> [[Row]] {
        // Prepared before the pipeline starts (once per connection): parsing these on every
        // request was PostgreSQL's largest cost in the authenticated-list benchmark.
        let texts = plan.map { $0.parameters.map { $0.sqlText } }
        let names = try zip(plan, texts).map { try preparedName(for: $0.0.sql, parameterCount: $0.1.count) }
        guard PQenterPipelineMode(handle) == 1 else {
            throw PostgresError(kind: .connection, message: "cannot enter pipeline mode")
        }
        var sent = true
        for index in plan.indices where sent {
            sent =
                withCStrings(texts[index]) { count, pointers in
                    if let name = names[index] { return PQsendQueryPrepared(handle, name, count, pointers, nil, nil, 0) }
                    return PQsendQueryParams(handle, plan[index].sql, count, nil, pointers, nil, nil, 0)
                } == 1
        }
        sent = sent && PQpipelineSync(handle) == 1
        var failure: PostgresError?
        var rows: [[Row]] = Array(repeating: [], count: plan.count)
        if sent {
            // Each statement gives a result and then NULL; the sync marker comes last.
            for index in plan.indices {
                while let result = PQgetResult(handle) {
                    if failure == nil { failure = error(of: result) }
                    if failure == nil, PQresultStatus(result) == PGRES_TUPLES_OK {
                        rows[index] = PostgresResult.rows(taking: result)
                    } else {
                        PQclear(result)
                    }
                }
            }
            if let sync = PQgetResult(handle) {
                if PQresultStatus(sync) != PGRES_PIPELINE_SYNC, failure == nil { failure = error(of: sync) }
                PQclear(sync)
            }
        }
        PQexitPipelineMode(handle)
        if !sent || PQstatus(handle) != CONNECTION_OK {
            isBroken = true
            throw PostgresError(kind: .connection, message: Self.firstLine(PQerrorMessage(handle)))
        }
        if let failure {
            if failure.isConnectionLoss { isBroken = true }
            throw failure
        }
        return rows
    }

    /// The error a result carries, or nil when it succeeded.
    private func error(of result: OpaquePointer) -> PostgresError? {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_PIPELINE_SYNC:
            return nil
        default:
            let sqlState = cpq_sqlstate(result).map { String(cString: $0) }
            let message = cpq_primary_message(result).map { String(cString: $0) } ?? Self.firstLine(PQerrorMessage(handle))
            let constraint = cpq_constraint(result).map { String(cString: $0) }
            let kind: PostgresError.Kind = sqlState == nil && PQstatus(handle) != CONNECTION_OK ? .connection : .server
            return PostgresError(kind: kind, sqlState: sqlState, message: message, constraint: constraint)
        }
    }

    func markBroken() { isBroken = true }

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
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            PQclear(result)
            return []
        case PGRES_TUPLES_OK:
            return PostgresResult.rows(taking: result)
        default:
            defer { PQclear(result) }
            if PQstatus(handle) != CONNECTION_OK { isBroken = true }
            let error = error(of: result) ?? PostgresError(kind: .server, message: "unexpected result status")
            if error.isConnectionLoss { isBroken = true }
            throw error
        }
    }

    static func firstLine(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        let text = String(cString: message)
        return text.split(separator: "\n").first.map(String.init) ?? "unknown libpq error"
    }
}

@available(*, unavailable)
extension PostgresConnection: Sendable {}

/// The connection was found dead when a held opening and its first statement were sent: nothing
/// of the transaction reached the server, so it can start again on another connection.
struct OpeningLost: Error {
    let underlying: PostgresError
}

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

/// Calls `body` with the count of `strings` and NUL-terminated copies of them, which live for the
/// duration of the call, all in one buffer (on the stack when small): a strdup and a free for each
/// parameter, and the arrays around them, were 3 % of an authenticated list's own work.
private func withCStrings<R>(_ strings: [String?], _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    var total = 0
    for case let string? in strings { total += string.utf8.count + 1 }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: max(total, 1)) { buffer in
        withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: max(strings.count, 1)) { pointers in
            var offset = 0
            for (index, string) in strings.enumerated() {
                guard var string else {
                    pointers[index] = nil
                    continue
                }
                let start = buffer.baseAddress! + offset
                let count = string.withUTF8 { bytes in
                    if let source = bytes.baseAddress { UnsafeMutableRawPointer(start).copyMemory(from: source, byteCount: bytes.count) }
                    return bytes.count
                }
                start[count] = 0
                pointers[index] = UnsafePointer(start)
                offset += count + 1
            }
            return body(Int32(strings.count), UnsafePointer(pointers.baseAddress))
        }
    }
}
