import Foundation
public import Logging
public import Synchronization

// Thread-safe recorders that tests hand to threads, handlers and loggers, and read afterwards.

/// Every line a logger writes, for tests that scan the log (for secrets, for a notice).
public final class NoticeCapture: LogHandler, @unchecked Sendable {
    public let lines = Mutex<[String]>([])
    public init() {}
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    public func log(event: LogEvent) {
        let text = "\(event.message) \(event.metadata ?? [:])"
        lines.withLock { $0.append(text) }
    }
}

/// Results gathered from several threads.
public final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<[String], any Error>] = []
    public init() {}
    public func append(_ result: Result<[String], any Error>) { lock.withLock { results.append(result) } }
    public var all: [Result<[String], any Error>] { lock.withLock { results } }
}

/// A flag threads poll to know when to stop, and a count of the rounds they finished (a test
/// waits for rounds, not for time).
public final class RunningFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var on = true
    private var completedRounds = 0
    public init() {}
    public var isOn: Bool { lock.withLock { on } }
    public func turnOff() { lock.withLock { on = false } }
    /// Rounds of reads finished, by every reader together.
    public var rounds: Int { lock.withLock { completedRounds } }
    public func countRound() { lock.withLock { completedRounds += 1 } }
}
