public import Logging
import Foundation
import Synchronization

/// One dedicated connection that LISTENs and hands each notification to `onNotification`, on
/// its own thread. NOTIFY is only a wake-up: a notification can be missed while the connection
/// is down, so after every (re)connect `onReconnect` runs and listeners must look at the
/// database themselves.
public final class PostgresListener: Sendable {
    public typealias Handler = @Sendable (PostgresConnection.Notification) -> Void

    let conninfo: String
    let channels: [String]
    let logger: Logger
    let onNotification: Handler
    let onReconnect: @Sendable () -> Void
    private let stopping = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    public init(
        conninfo: String, channels: [String], logger: Logger, onReconnect: @escaping @Sendable () -> Void = {},
        onNotification: @escaping Handler
    ) {
        self.conninfo = conninfo
        self.channels = channels
        self.logger = logger
        self.onNotification = onNotification
        self.onReconnect = onReconnect
    }

    public func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "pg-listener"
        thread.start()
    }

    /// Stops within about a second.
    public func stop() {
        stopping.withLock { $0 = true }
        finished.wait()
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    private func run() {
        var backoff = 0.1
        while !isStopping {
            do {
                let connection = try PostgresConnection(conninfo: conninfo, logger: logger)
                for channel in channels { try connection.execute("LISTEN \"\(channel)\"") }
                backoff = 0.1
                onReconnect()
                while !isStopping {
                    for notification in try connection.notifications(waitingUpTo: 1000) { onNotification(notification) }
                }
            } catch {
                logger.warning("notification listener lost its connection; reconnecting", metadata: ["error": "\(error)", "retry_in_s": "\(backoff)"])
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
            }
        }
    }
}
