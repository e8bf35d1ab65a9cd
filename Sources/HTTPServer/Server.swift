// The libmicrohttpd glue.
//
// Threading model (chosen and measured, see bench/http and the README): libmicrohttpd runs an
// epoll thread pool sized to the cores (`threads`). A request the application can answer
// without blocking (health, metrics, static pages, unknown routes) is answered right there.
// Every other request is suspended (MHD_suspend_connection) and handed to a pool of
// `executorThreads` plain threads that may block on libpq; the finished response resumes the
// connection and is queued on libmicrohttpd's next call. An inline handler may also park the
// connection with a `Pending` answer that another thread gives later without any thread waiting
// for it (intake's batch writer). So a few polling threads keep the
// CPU for HTTP, while enough database transactions are in flight for PostgreSQL's group
// commit. Running blocking handlers directly on 16 MHD threads was measured at less than half
// the throughput on 2 cores, from context switching alone.
//
// Every response is queued on a later call of the access handler than the first (headers
// only): libmicrohttpd 0.9.75 closes the connection after a response queued on the first call,
// which would lose keep-alive. The exception is a declared body over the limit, answered 413
// at once so the body is never read; that connection is closed, as it should be.
import CMicroHTTPD
public import Logging
import Synchronization
import Foundation

/// The executor's threads, how many run a handler, how many requests wait, and for how long the
/// oldest has waited.
public struct ExecutorLoad: Sendable {
    public let threads: Int
    public let busy: Int
    public let waiting: Int
    public let oldestWait: Duration

    public init(threads: Int, busy: Int, waiting: Int, oldestWait: Duration) {
        self.threads = threads
        self.busy = busy
        self.waiting = waiting
        self.oldestWait = oldestWait
    }

    /// Every thread busy and a request kept waiting a second: new requests here are slow, so a
    /// load balancer should send them elsewhere.
    public var isSaturated: Bool { waiting > 0 && oldestWait >= .seconds(1) }
}

public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// One polling thread per core, at least two.
        public static var defaultThreads: Int { max(2, ProcessInfo.processInfo.activeProcessorCount) }

        /// libmicrohttpd's polling threads; more than the cores only adds context switches.
        public var threads: Int
        /// Threads that run handlers which may block (database work).
        public var executorThreads: Int
        public var maxBodyBytes: Int
        /// Idle time after which a connection is closed.
        public var connectionTimeoutSeconds: Int
        /// Connections open at once from one client address; more are refused at once, so one
        /// address cannot take the 4,000 the server holds.
        public var connectionsPerClient: Int
        /// Time to send a request's headers, from the connection's start or the previous
        /// response, however many lines arrive meanwhile.
        public var headerDeadlineSeconds: Int

        public init(
            host: String = "127.0.0.1", port: Int = 8080, threads: Int = Configuration.defaultThreads,
            executorThreads: Int = 16, maxBodyBytes: Int = 1 << 20, connectionTimeoutSeconds: Int = 30,
            connectionsPerClient: Int = 128, headerDeadlineSeconds: Int = 10
        ) {
            self.host = host
            self.port = port
            self.threads = threads
            self.executorThreads = executorThreads
            self.maxBodyBytes = maxBodyBytes
            self.connectionTimeoutSeconds = connectionTimeoutSeconds
            self.connectionsPerClient = connectionsPerClient
            self.headerDeadlineSeconds = headerDeadlineSeconds
        }
    }

    /// Answers a fully read request; runs on an executor thread and may block.
    public typealias Handler = @Sendable (Request) -> Response
    /// Answers a request at once on the polling thread when that needs no blocking work, else nil.
    /// May note what it learned about the request (its route) for the handler the request goes
    /// to when it answers nil.
    public typealias InlineHandler = @Sendable (inout Request) -> Response?
    /// Answers a request whose body exceeds the limit (its body is empty).
    public typealias OversizedHandler = @Sendable (Request) -> Response

    public enum StartError: Error, CustomStringConvertible {
        case cannotListen(host: String, port: Int)
        public var description: String {
            switch self {
            case .cannotListen(let host, let port): "cannot listen on \(host):\(port) (address in use, or not a local IPv4 address)"
            }
        }
    }

    let configuration: Configuration
    let handler: Handler
    let inline: InlineHandler
    let oversized: OversizedHandler
    let executor: BlockingExecutor
    let headerDeadline: HeaderDeadline
    let logger: Logger
    /// The running daemon; the pointer is only touched under the lock or by libmicrohttpd itself.
    private struct Daemon: @unchecked Sendable { let pointer: OpaquePointer }
    private let daemon = Mutex<Daemon?>(nil)
    private let boundPort = Mutex<Int>(0)
    /// Requests between their first call and their completion; shutdown waits for none.
    let inFlight = Atomic<Int>(0)

    public init(
        configuration: Configuration, logger: Logger, oversized: @escaping OversizedHandler,
        inline: @escaping InlineHandler = { _ in nil }, handler: @escaping Handler
    ) {
        self.configuration = configuration
        self.handler = handler
        self.inline = inline
        self.oversized = oversized
        self.logger = logger
        self.executor = BlockingExecutor(threads: max(1, configuration.executorThreads), name: "http-executor")
        self.headerDeadline = HeaderDeadline(seconds: max(1, configuration.headerDeadlineSeconds))
    }

    /// Requests waiting for an executor thread.
    public var executorBacklog: Int { executor.backlog }

    /// How busy the executor is, for readiness.
    public var executorLoad: ExecutorLoad {
        let load = executor.load
        return ExecutorLoad(threads: load.threads, busy: load.busy, waiting: load.waiting, oldestWait: load.oldestWait)
    }

    /// The port actually bound (useful when configured with port 0).
    public var port: Int { boundPort.withLock { $0 } }

    public func start() throws {
        let cls = Unmanaged.passUnretained(self).toOpaque()
        // libmicrohttpd clears a connection's memory pool on every request: a pool larger than
        // headers need was measured as 7 % of the CPU of /healthz. 16 KiB holds browser-sized
        // headers; larger ones get 431.
        let started = cmhd_start(
            configuration.host, UInt16(configuration.port), UInt32(configuration.threads),
            UInt32(configuration.connectionTimeoutSeconds), 16 * 1024, UInt32(max(1, configuration.connectionsPerClient)),
            HTTPServer.accessHandler, HTTPServer.completedHandler, HTTPServer.connectionHandler, cls)
        guard let started else { throw StartError.cannotListen(host: configuration.host, port: configuration.port) }
        daemon.withLock { $0 = Daemon(pointer: started) }
        boundPort.withLock { $0 = Int(cmhd_bound_port(started)) }
    }

    /// Stops accepting connections, lets requests in flight finish (up to `gracePeriod`), then stops.
    public func shutdown(gracePeriod: Duration = .seconds(10)) {
        guard
            let running = daemon.withLock({ d -> Daemon? in
                defer { d = nil }; return d
            })?.pointer
        else { return }
        let listenSocket = MHD_quiesce_daemon(running)
        let deadline = ContinuousClock.now.advanced(by: gracePeriod)
        while inFlight.load(ordering: .relaxed) > 0 && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        let unfinished = inFlight.load(ordering: .relaxed)
        if unfinished > 0 { logger.warning("stopping with requests still in flight", metadata: ["in_flight": "\(unfinished)"]) }
        // Suspended connections must be resumed before the daemon stops: let every handler finish.
        executor.shutdown()
        MHD_stop_daemon(running)
        headerDeadline.stop()
        if listenSocket >= 0 { close(listenSocket) }
    }
}
