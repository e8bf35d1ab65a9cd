public import Foundation
public import Logging

/// Writes this process's vendor-call counts to the database every `interval` seconds, and once
/// more on shutdown. Each worker pool and each API server runs one; two in one process only
/// split the same counts between them.
public final class VendorCallFlusher: Sendable {
    private let thread: RepeatingThread

    public init(database: Database, interval: TimeInterval = 2, logger: Logger) {
        thread = RepeatingThread(name: "vendor-call-flusher", interval: interval, roundFirst: false, finalRound: true) {
            do { try VendorCallStore.flush(database) } catch {
                logger.warning("vendor call counts not written yet; kept for the next try", metadata: ["error": "\(error)"])
            }
        }
    }

    public func start() { thread.start() }

    public func shutdown() { thread.stop() }
}
