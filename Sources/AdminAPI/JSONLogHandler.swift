public import Logging
import Foundation
import Domain
import Connectors
import Synchronization

/// A swift-log handler that writes one JSON object per line to standard error. Lines are
/// buffered and flushed at least every 200 ms (and at 32 KiB), so the access log costs no
/// system call per request; the access log's lines are written at that flush.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata {
            if merged.isEmpty { merged = extra } else { merged.merge(extra) { $1 } }
        }
        var line = [UInt8]()
        line.reserveCapacity(384)
        line.append(UInt8(ascii: "{"))
        Self.field(&line, "ts", Timestamp.format(Date()), first: true)
        Self.field(&line, "level", event.level.rawValue)
        Self.field(&line, "logger", label)
        Self.field(&line, "msg", event.message.description)
        // Dictionary order: JSON readers do not care, and sorting showed up in profiles.
        for (key, value) in merged {
            Self.field(&line, key, Self.text(of: value))
        }
        line.append(contentsOf: "}\n".utf8)
        LogSink.shared.write(line)
    }

    static func text(of value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        default: value.description
        }
    }

    /// Flushes buffered lines; call before the process exits.
    public static func flush() { LogSink.shared.flush() }

    /// Starts the log's flush thread now, from the process's own thread (see `LogSink.start`).
    public static func startFlushing() { LogSink.start() }

    static func field(_ line: inout [UInt8], _ key: String, _ value: String, first: Bool = false) {
        if !first { line.append(UInt8(ascii: ",")) }
        quote(&line, key)
        line.append(UInt8(ascii: ":"))
        quote(&line, value)
    }

    static func quote(_ line: inout [UInt8], _ text: String) {
        line.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Nearly every value needs no escaping: one scan, a word at a time, then one copy.
            if !JSONText.needsEscaping(bytes, escapingSlashes: false, escapingDelete: true) {
                line.append(contentsOf: bytes)
            } else {
                escape(&line, bytes)
            }
        }
        line.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func escape(_ line: inout [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): line.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): line.append(contentsOf: [92, 92])
            case 10: line.append(contentsOf: [92, 110])
            case 13: line.append(contentsOf: [92, 114])
            case 9: line.append(contentsOf: [92, 116])
            case 0..<0x20, 0x7f:
                line.append(contentsOf: [92, 117, 48, 48, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 15)]])
            default: line.append(byte)
            }
        }
    }
}

final class LogSink: Sendable {
    static let shared = LogSink()
    private let buffer = BlockingLock<[UInt8]>([])
    /// Access log lines not yet written (`AccessLog`), each formatted by its request's thread and
    /// appended whole: an entry kept as a struct until the flush was copied in, destroyed after,
    /// and its array of a flush's entries allocated afresh each time (3 % and page faults, 1 %
    /// of the CPU of `GET /healthz`).
    ///
    /// Held through pointers (`ProcessLines`), not a lock object: capturing an object in the
    /// append raised and lowered the sink's reference count on every request, an atomic on a
    /// cache line the request threads of every core fought over (perf: that one release was
    /// 0.6 % of the server's CPU under `GET /healthz`).
    private let accessLines = ProcessLines()
    /// The flush's own buffer, swapped with `accessLines`: both keep their capacity, so a flush
    /// allocates nothing and writes from memory already mapped.
    private let spare = BlockingLock<[UInt8]>([])
    /// Bytes of access lines that start a flush at once, on the flush's own thread rather than
    /// at the timer's next tick.
    static let flushBytes = 1 << 20
    /// Bytes past which the request's thread writes them itself: a flush that cannot keep up
    /// slows the requests down rather than letting memory grow.
    static let maxBytes = 16 << 20

    /// Signalled when enough lines wait that the flush should not wait for its next tick.
    private let wake = DispatchSemaphore(value: 0)

    /// The flush runs on a thread of its own, every 200 ms or when woken; not on libdispatch's
    /// threads, which run at the lowest priority (DispatchThreadPriority): there, under load, the
    /// flush waited behind the requests, and the entries it should have written (up to 65,536)
    /// held 190 MB and were then written by a request's thread (bench/http, p99 3 ms to 30-70 ms).
    private init() {
        let thread = Thread { [wake] in
            ThreadName.setCurrent("log-flush")
            while true {
                _ = wake.wait(timeout: .now() + .milliseconds(200))
                LogSink.shared.flush()
            }
        }
        thread.start()
    }

    /// Starts the flush thread from the caller's (normal-priority) thread: a thread takes its
    /// priority from the one that starts it, so the sink must not be first used on libdispatch's.
    static func start() { _ = shared }

    func write(_ line: [UInt8]) {
        let full = buffer.withLock { buffer -> [UInt8]? in
            buffer.append(contentsOf: line)
            guard buffer.count >= 32 * 1024 else { return nil }
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if let full { Self.emit(full) }
    }

    /// Keeps `entry`'s line for the next flush.
    func later(_ entry: AccessLogEntry) {
        // Taken out first, so that the closure captures the pointers, not the sink.
        let accessLines = accessLines
        let crossed = entry.withLine { line in
            accessLines.withLock { lines -> Bool in
                let before = lines.count
                lines.append(contentsOf: line)
                if lines.count >= Self.maxBytes {
                    Self.emit(lines)
                    lines.removeAll(keepingCapacity: true)
                    return false
                }
                return before < Self.flushBytes && lines.count >= Self.flushBytes
            }
        }
        if crossed { wake.signal() }
    }

    func flush() {
        spare.withLock { spare in
            accessLines.withLock { swap(&$0, &spare) }
            guard !spare.isEmpty else { return }
            Self.emit(spare)
            spare.removeAll(keepingCapacity: true)
        }
        let pending = buffer.withLock { buffer -> [UInt8] in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if !pending.isEmpty { Self.emit(pending) }
    }

    private static func emit(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(2, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// Bytes and the mutex that guards them, behind pointers for the life of the process (the sink
/// is never released): a value of trivial type, so a thread that appends touches no reference
/// count.
private struct ProcessLines: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let bytes = UnsafeMutablePointer<[UInt8]>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        bytes.initialize(to: [])
    }

    func withLock<T>(_ body: (inout [UInt8]) -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&bytes.pointee)
    }
}
