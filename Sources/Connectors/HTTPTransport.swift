public import Foundation
public import Domain
#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif

/// Blocking HTTP for code that runs on Clearline's executor or worker threads (never on Swift's
/// cooperative pool): URLSession underneath, with a deadline on every call and a cap on every body.
///
/// A guarded transport (the default: every address a tenant supplies) calls only what
/// `OutboundPolicy` allows, checked on the resolved addresses before each call, and follows a
/// redirect only to the same scheme, host and port.
public struct HTTPTransport: Sendable {
    public struct Reply: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data

        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    public let timeout: TimeInterval
    /// Bodies larger than this are not read to the end: the call fails instead.
    public let maxBodyBytes: Int
    public let guarded: Bool
    /// Sent from the call helper process when there is one (`CallRelay`): a call a person waits
    /// on, which may wait long on a vendor that does not answer.
    public let isolated: Bool
    /// Whose call this is, for the per-connection counts and the dashboard; nil for Clearline's
    /// own parts talking to each other.
    public var attribution: CallAttribution?

    public static let defaultMaxBodyBytes = 32 << 20

    public init(timeout: TimeInterval = 15, maxBodyBytes: Int = HTTPTransport.defaultMaxBodyBytes, guarded: Bool = true, isolated: Bool = false) {
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.guarded = guarded
        self.isolated = isolated
    }

    /// For Clearline's own parts talking to each other (the agent to Clearline, the sandbox to
    /// its receivers, the demo to the sandbox): addresses an operator configured, not a tenant.
    public static func unguarded(timeout: TimeInterval = 15) -> HTTPTransport { HTTPTransport(timeout: timeout, guarded: false) }

    /// For a vendor call made while a person waits (Test, Connect): it answers quickly and
    /// briefly, or it is reported as failed.
    public static let withinRequest = HTTPTransport(timeout: 10, maxBodyBytes: 1 << 20, isolated: true)

    private static let exchanges = TransportExchanges()

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        // No vendor session rides on cookies; without this URLSession parses every response's
        // headers for them all the same.
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        // Every caller is a blocking thread, so threads already bound how many requests are in
        // flight. URLSession's default of 6 connections per host queued the rest behind them,
        // where an agent's long polls (parked for up to 30 s) held back its own result posts,
        // and more than 6 workers writing to one vendor waited on each other.
        configuration.httpMaximumConnectionsPerHost = 256
        return URLSession(configuration: configuration, delegate: exchanges, delegateQueue: nil)
    }()

    /// The same transport, its calls counted for `connection`.
    public func attributed(to connection: Connection) -> HTTPTransport {
        var copy = self
        copy.attribution = CallAttribution(tenantId: connection.tenantId, connectionId: connection.id, vendor: connection.kind.rawValue)
        return copy
    }

    /// Sends `request`; a network failure or timeout is a retryable `ConnectorError` naming `vendor`.
    /// Every call is counted: by vendor, operation and outcome for `/metrics`, and per connection
    /// when attributed.
    public func send(_ request: URLRequest, vendor: String) throws -> Reply {
        guard let url = request.url else { throw ConnectorError(.permanent, "\(vendor): the request has no URL.") }
        let started = Date()
        do {
            let reply = try exchange(request, url: url, vendor: vendor)
            count(
                request, url: url, outcome: VendorCallOutcome(status: reply.status), started: started, error: reply.status >= 400 ? "HTTP \(reply.status)" : nil
            )
            return reply
        } catch {
            count(request, url: url, outcome: .network, started: started, error: (error as? ConnectorError)?.message ?? "\(error)")
            throw error
        }
    }

    private func count(_ request: URLRequest, url: URL, outcome: VendorCallOutcome, started: Date, error: String?) {
        let operation = VendorOperation.name(method: request.httpMethod ?? "GET", path: url.path)
        ProcessTelemetry.shared.vendorCall(
            vendor: attribution?.vendor ?? "internal", operation: operation, outcome: outcome, seconds: Date().timeIntervalSince(started))
        if let attribution {
            ConnectionCallLedger.shared.record(
                tenantId: attribution.tenantId, connectionId: attribution.connectionId, at: Date(), failed: outcome.isFailure, error: error)
        }
    }

    /// The outbound policy is applied once, where the call is made: here, or in the call helper.
    private func exchange(_ request: URLRequest, url: URL, vendor: String) throws -> Reply {
        if isolated, let relay = CallRelay.current,
            let reply = try relay.exchange(request, url: url, timeout: timeout, maxBodyBytes: maxBodyBytes, guarded: guarded, vendor: vendor)
        {
            return reply
        }
        return try exchangeHere(request, url: url, vendor: vendor)
    }

    /// The call, from this process's URLSession (the helper's, when relayed).
    func exchangeHere(_ request: URLRequest, url: URL, vendor: String) throws -> Reply {
        if guarded { try OutboundGuard.check(url, vendor: vendor) }
        var request = request
        request.timeoutInterval = timeout
        let task = Self.session.dataTask(with: request)
        let exchange = TransportExchange(vendor: vendor, origin: url, maxBodyBytes: maxBodyBytes, guarded: guarded)
        Self.exchanges.begin(task.taskIdentifier, exchange)
        defer { Self.exchanges.end(task.taskIdentifier) }
        task.resume()
        // URLSession hands the body to the delegate queue without back-pressure: on a fast link
        // the delegate sees the cap crossed long after the bytes arrived, and meanwhile they
        // queue in memory. The task's own count is current, so this thread, which waits anyway,
        // watches it and cancels within milliseconds of the cap.
        let deadline = DispatchTime.now() + timeout + 5
        while exchange.done.wait(timeout: min(deadline, .now() + .milliseconds(5))) == .timedOut {
            if task.countOfBytesReceived > Int64(maxBodyBytes) {
                exchange.failure = exchange.tooLarge
                task.cancel()
            }
            if DispatchTime.now() >= deadline {
                task.cancel()
                throw ConnectorError(.retryable, "\(vendor) did not answer within \(Int(timeout)) s.")
            }
        }
        return try exchange.outcome(timeout: timeout)
    }
}

/// The connection a transport's calls are counted for.
public struct CallAttribution: Sendable {
    public let tenantId: UUID
    public let connectionId: UUID
    /// The connection's kind (paytrace, zoho, shop): a closed set, fit for a metric label.
    public let vendor: String
}
