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

    /// The same line `JSONLogHandler` writes for `logger.info("request", metadata:)`.
    func write(to line: inout [UInt8]) {
        line.append(UInt8(ascii: "{"))
        JSONLogHandler.field(&line, "ts", Timestamp.format(at), first: true)
        JSONLogHandler.field(&line, "level", "info")
        JSONLogHandler.field(&line, "logger", label)
        JSONLogHandler.field(&line, "msg", "request")
        JSONLogHandler.field(&line, "request_id", requestId)
        JSONLogHandler.field(&line, "method", method)
        JSONLogHandler.field(&line, "path", path)
        JSONLogHandler.field(&line, "route", route)
        JSONLogHandler.field(&line, "status", String(status))
        JSONLogHandler.field(&line, "bytes", String(bytes))
        JSONLogHandler.field(&line, "duration_us", String(micros))
        JSONLogHandler.field(&line, "principal", principal)
        JSONLogHandler.field(&line, "client", client)
        line.append(contentsOf: "}\n".utf8)
    }
}

/// The access log. With the JSON logger, a request's thread only hands its entry over; the lines
/// are written on the log's own flush (every 200 ms, off the request threads, and at shutdown).
/// Building swift-log's metadata and the line on the request's thread was a sixth of the CPU
/// time of `GET /healthz` (17 % in its profile). Any other logger (tests capture lines) gets
/// each line at once.
struct AccessLog: Sendable {
    let logger: Logger
    private let deferred: Bool

    init(logger: Logger) {
        self.logger = logger
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
