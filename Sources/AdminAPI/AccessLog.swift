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

    /// Calls `body` with the same line `JSONLogHandler` writes for `logger.info("request",
    /// metadata:)`, the keys and fixed values as ready bytes and the numbers as digits (formatting
    /// lines was a tenth of the server's CPU under `GET /healthz`). It is written into a buffer of
    /// its own (on the stack when small) through a pointer: appending its twenty-odd parts to an
    /// array one by one (a uniqueness and capacity check each) was most of the line's cost
    /// (callgrind).
    func withLine<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        // An escape is at most six bytes a byte; the fixed parts, the time and three numbers fit in 320.
        let strings = label.utf8.count + requestId.utf8.count + method.utf8.count + path.utf8.count + route.utf8.count
        let bound = 320 + 6 * (strings + principal.utf8.count + client.utf8.count)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { buffer in
            var out = LineWriter(base: buffer.baseAddress!)
            out.put(#"{"ts":""#)
            out.timestamp(at)
            out.put(#"","level":"info","logger":"#)
            out.quoted(label)
            out.put(#","msg":"request","request_id":"#)
            out.quoted(requestId)
            out.put(#","method":"#)
            out.quoted(method)
            out.put(#","path":"#)
            out.quoted(path)
            out.put(#","route":"#)
            out.quoted(route)
            // Numbers stay strings, as swift-log's metadata (and so JSONLogHandler) writes them.
            out.put(#","status":""#)
            out.digits(UInt64(max(0, status)))
            out.put(#"","bytes":""#)
            out.digits(UInt64(max(0, bytes)))
            out.put(#"","duration_us":""#)
            out.digits(micros)
            out.put(#"","principal":"#)
            out.quoted(principal)
            out.put(#","client":"#)
            out.quoted(client)
            out.put("}\n")
            return body(UnsafeBufferPointer(start: buffer.baseAddress, count: out.count))
        }
    }

    /// Bytes written one after another from `base`, which the caller sized for the whole line.
    private struct LineWriter {
        let base: UnsafeMutablePointer<UInt8>
        var count = 0

        mutating func put(_ text: StaticString) {
            text.withUTF8Buffer { copy($0) }
        }

        mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress else { return }
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }

        /// As `JSONLogHandler.quote` writes it; a value that needs an escape (rare) goes through it.
        /// The bytes are read where they are (a native string's, or a small one's copied to the
        /// stack): `withUTF8` is mutating, so it copied the string first, a retain and a release
        /// for each of the line's seven strings.
        mutating func quoted(_ text: String) {
            if text.utf8.withContiguousStorageIfAvailable({ quoted($0) }) == nil {
                var copy = text
                copy.withUTF8 { quoted($0) }
            }
        }

        private mutating func quoted(_ bytes: UnsafeBufferPointer<UInt8>) {
            if JSONText.needsEscaping(bytes, escapingSlashes: false, escapingDelete: true) {
                var escaped: [UInt8] = []
                JSONLogHandler.quote(&escaped, String(decoding: bytes, as: UTF8.self))
                escaped.withUnsafeBufferPointer { copy($0) }
            } else {
                base[count] = UInt8(ascii: "\"")
                count += 1
                copy(bytes)
                base[count] = UInt8(ascii: "\"")
                count += 1
            }
        }

        mutating func timestamp(_ date: Date) {
            Timestamp.write(date, into: base + count)
            count += Timestamp.length
        }

        mutating func digits(_ value: UInt64) {
            var divisor: UInt64 = 1
            while value / divisor >= 10 { divisor *= 10 }
            while divisor > 0 {
                base[count] = UInt8(48 + value / divisor % 10)
                count += 1
                divisor /= 10
            }
        }
    }
}

/// The access log. With the JSON logger, a request's thread formats its line straight into bytes
/// (`AccessLogEntry.withLine`) and hands it over; the lines are written on the log's own flush
/// (every 200 ms, off the request threads, and at shutdown). Building swift-log's metadata on
/// the request's thread was a sixth of the CPU time of `GET /healthz` (17 % in its profile). Any
/// other logger (tests capture lines) gets each line at once.
///
/// A class, and what a request asks of it kept at hand: as a struct, each read of
/// `services.accessLog` copied its logger (a handler in an existential box and its metadata)
/// and destroyed the copy again, twice a request.
final class AccessLog: Sendable {
    let logger: Logger
    /// The logger's label, kept: reading it through the logger copied the logger on every request.
    let label: String
    private let deferred: Bool
    /// Whether the logger takes `info` lines. A `Logger` is a value: its level is fixed once it is
    /// stored here.
    private let enabled: Bool
    /// The process's sink, held without counting: it is never released, and reading the shared
    /// global (or a counted reference to it) on every request raised and lowered its reference
    /// count, an atomic every request thread fought over.
    private unowned(unsafe) let sink = LogSink.shared

    init(logger: Logger) {
        self.logger = logger
        label = logger.label
        deferred = logger.handler is JSONLogHandler
        enabled = logger.logLevel <= .info
    }

    func record(_ entry: @autoclosure () -> AccessLogEntry) {
        guard enabled else { return }
        if deferred {
            sink.later(entry())
        } else {
            logger.info("request", metadata: entry().metadata)
        }
    }
}
