public import Logging
import Foundation
import Domain
import Synchronization

/// A swift-log handler that writes one JSON object per line to standard error. Lines are
/// buffered and flushed at least every 200 ms (and at 32 KiB), so the access log costs no
/// system call per request.
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
        var fields: [String: String] = ["ts": Timestamp.format(Date()), "level": event.level.rawValue,
                                        "msg": event.message.description, "logger": label]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = "\(value)"
        }
        LogSink.shared.write(Self.encode(fields))
    }

    /// Flushes buffered lines; call before the process exits.
    public static func flush() { LogSink.shared.flush() }

    static func encode(_ fields: [String: String]) -> String {
        var line = "{"
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { line += "," }
            line += quote(key) + ":" + quote(fields[key] ?? "")
        }
        return line + "}\n"
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

final class LogSink: Sendable {
    static let shared = LogSink()
    private let buffer = Mutex<[UInt8]>([])

    private init() {
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + .milliseconds(200), repeating: .milliseconds(200))
        timer.setEventHandler { LogSink.shared.flush() }
        timer.resume()
        LogSink.timer = timer
    }

    nonisolated(unsafe) private static var timer: (any DispatchSourceTimer)?

    func write(_ line: String) {
        let full = buffer.withLock { buffer -> [UInt8]? in
            buffer.append(contentsOf: line.utf8)
            guard buffer.count >= 32 * 1024 else { return nil }
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if let full { emit(full) }
    }

    func flush() {
        let pending = buffer.withLock { buffer -> [UInt8] in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if !pending.isEmpty { emit(pending) }
    }

    private func emit(_ bytes: [UInt8]) {
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
