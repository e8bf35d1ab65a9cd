// The libmicrohttpd glue.
//
// Threading model (chosen and measured, see bench/http): libmicrohttpd runs its own polling
// thread with epoll and a pool of `threads` worker threads (default 16). A request is handled
// synchronously on the MHD thread that read it, and that thread may block on libpq: with 16
// threads enough transactions are in flight for PostgreSQL's group commit, and no request
// waits behind another's database call on the same thread for long. Swift's cooperative
// pool is never blocked.
//
// Every response is queued on a later call of the access handler than the first (headers
// only): libmicrohttpd 0.9.75 closes the connection after a response queued on the first call,
// which would lose keep-alive. The exception is a declared body over the limit, answered 413
// at once so the body is never read; that connection is closed, as it should be.
import CMicroHTTPD
public import Logging
import Synchronization
import Foundation

public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var threads: Int
        public var maxBodyBytes: Int
        public var connectionTimeoutSeconds: Int

        public init(host: String = "127.0.0.1", port: Int = 8080, threads: Int = 16, maxBodyBytes: Int = 1 << 20, connectionTimeoutSeconds: Int = 30) {
            self.host = host
            self.port = port
            self.threads = threads
            self.maxBodyBytes = maxBodyBytes
            self.connectionTimeoutSeconds = connectionTimeoutSeconds
        }
    }

    /// Answers a fully read request.
    public typealias Handler = @Sendable (Request) -> Response
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
    let oversized: OversizedHandler
    let logger: Logger
    /// The running daemon; the pointer is only touched under the lock or by libmicrohttpd itself.
    private struct Daemon: @unchecked Sendable { let pointer: OpaquePointer }
    private let daemon = Mutex<Daemon?>(nil)
    private let boundPort = Mutex<Int>(0)
    let inFlight = Mutex<Int>(0)

    public init(configuration: Configuration, logger: Logger, oversized: @escaping OversizedHandler, handler: @escaping Handler) {
        self.configuration = configuration
        self.handler = handler
        self.oversized = oversized
        self.logger = logger
    }

    /// The port actually bound (useful when configured with port 0).
    public var port: Int { boundPort.withLock { $0 } }

    public func start() throws {
        let cls = Unmanaged.passUnretained(self).toOpaque()
        let started = cmhd_start(configuration.host, UInt16(configuration.port), UInt32(configuration.threads),
                                 UInt32(configuration.connectionTimeoutSeconds), 64 * 1024,
                                 HTTPServer.accessHandler, HTTPServer.completedHandler, cls)
        guard let started else { throw StartError.cannotListen(host: configuration.host, port: configuration.port) }
        daemon.withLock { $0 = Daemon(pointer: started) }
        boundPort.withLock { $0 = Int(cmhd_bound_port(started)) }
    }

    /// Stops accepting connections, lets requests in flight finish (up to `gracePeriod`), then stops.
    public func shutdown(gracePeriod: Duration = .seconds(10)) {
        guard let running = daemon.withLock({ d -> Daemon? in defer { d = nil }; return d })?.pointer else { return }
        let listenSocket = MHD_quiesce_daemon(running)
        let deadline = ContinuousClock.now.advanced(by: gracePeriod)
        while inFlight.withLock({ $0 }) > 0 && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        let unfinished = inFlight.withLock { $0 }
        if unfinished > 0 { logger.warning("stopping with requests still in flight", metadata: ["in_flight": "\(unfinished)"]) }
        MHD_stop_daemon(running)
        if listenSocket >= 0 { close(listenSocket) }
    }
}
