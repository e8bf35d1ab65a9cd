public import Foundation
public import Logging

/// Writes this process's vendor-call counts to the database every `interval` seconds, and once
/// more on shutdown. Each worker pool and each API server runs one; two in one process only
/// split the same counts between them.
public final class VendorCallFlusher: @unchecked Sendable {
    let database: Database
    let interval: TimeInterval
    let logger: Logger
    private let condition = NSCondition()
    private var stopping = false
    private var running = false

    public init(database: Database, interval: TimeInterval = 2, logger: Logger) {
        self.database = database
        self.interval = interval
        self.logger = logger
    }

    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !running else { return }
        running = true
        stopping = false
        let thread = Thread { [self] in loop() }
        thread.name = "vendor-call-flusher"
        thread.stackSize = 1 << 19
        thread.start()
    }

    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            if !stopping { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
            let last = stopping
            condition.unlock()
            do { try VendorCallStore.flush(database) } catch {
                logger.warning("vendor call counts not written yet; kept for the next try", metadata: ["error": "\(error)"])
            }
            if last { break }
        }
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
