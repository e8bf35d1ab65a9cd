import Foundation
import Logging
import Domain

/// One answered request, as the access log tells it.
struct AccessLogEntry: Sendable {
    let at: Date
    let label: String
    let requestId: String
    let method: String
    let path: String
    let route: String
    let status: Int
    let bytes: Int
    let micros: UInt64
    let principal: String
    let client: String

    /// The fields of the line, for a logger that is not the JSON one (tests capture these).
    var metadata: Logger.Metadata {
        [
            "request_id": .string(requestId), "method": .string(method), "path": .string(path), "route": .string(route),
            "status": .stringConvertible(status), "bytes": .stringConvertible(bytes), "duration_us": .stringConvertible(micros),
            "principal": .string(principal), "client": .string(client),
        ]
    }

    /// The same line `JSONLogHandler` writes for `logger.info("request", metadata:)`, with the
    /// keys and the fixed values as ready bytes and the numbers written as digits: formatting
    /// lines was a tenth of the server's CPU under `GET /healthz`.
    func write(to line: inout [UInt8]) {
        Self.append(#"{"ts":""#, &line)
        Timestamp.append(at, to: &line)
        Self.append(#"","level":"info","logger":"#, &line)
        JSONLogHandler.quote(&line, label)
        Self.append(#","msg":"request","request_id":"#, &line)
        JSONLogHandler.quote(&line, requestId)
        Self.append(#","method":"#, &line)
        JSONLogHandler.quote(&line, method)
        Self.append(#","path":"#, &line)
        JSONLogHandler.quote(&line, path)
        Self.append(#","route":"#, &line)
        JSONLogHandler.quote(&line, route)
        // Numbers stay strings, as swift-log's metadata (and so JSONLogHandler) writes them.
        Self.append(#","status":""#, &line)
        Self.appendDigits(UInt64(max(0, status)), to: &line)
        Self.append(#"","bytes":""#, &line)
        Self.appendDigits(UInt64(max(0, bytes)), to: &line)
        Self.append(#"","duration_us":""#, &line)
        Self.appendDigits(micros, to: &line)
        Self.append(#"","principal":"#, &line)
        JSONLogHandler.quote(&line, principal)
        Self.append(#","client":"#, &line)
        JSONLogHandler.quote(&line, client)
        Self.append("}\n", &line)
    }

    /// The fixed parts are static strings, read in place: as static arrays, each was a lazy
    /// global's check and a shared buffer's retain and release, between the request threads.
    private static func append(_ text: StaticString, _ line: inout [UInt8]) {
        text.withUTF8Buffer { line.append(contentsOf: $0) }
    }

    static func appendDigits(_ value: UInt64, to line: inout [UInt8]) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            line.append(UInt8(48 + value / divisor % 10))
            divisor /= 10
        }
    }
}

/// The access log. With the JSON logger, a request's thread formats its line straight into bytes
/// (`AccessLogEntry.write`) and hands it over; the lines are written on the log's own flush
/// (every 200 ms, off the request threads, and at shutdown). Building swift-log's metadata on
/// the request's thread was a sixth of the CPU time of `GET /healthz` (17 % in its profile). Any
/// other logger (tests capture lines) gets each line at once.
struct AccessLog: Sendable {
    let logger: Logger
    /// The logger's label, kept: reading it through the logger copied the logger on every request.
    let label: String
    private let deferred: Bool

    init(logger: Logger) {
        self.logger = logger
        label = logger.label
        deferred = logger.handler is JSONLogHandler
    }

    func record(_ entry: @autoclosure () -> AccessLogEntry) {
        guard logger.logLevel <= .info else { return }
        if deferred {
            LogSink.shared.later(entry())
        } else {
            logger.info("request", metadata: entry().metadata)
        }
    }
}
