public import Foundation
#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif

/// Blocking HTTP for code that runs on Clearline's executor or worker threads (never on Swift's
/// cooperative pool): URLSession underneath, with a deadline on every call.
public struct HTTPTransport: Sendable {
    public struct Reply: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data

        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    public let timeout: TimeInterval

    public init(timeout: TimeInterval = 15) {
        self.timeout = timeout
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        // Every caller is a blocking thread, so threads already bound how many requests are in
        // flight. URLSession's default of 6 connections per host queued the rest behind them,
        // where an agent's long polls (parked for up to 30 s) held back its own result posts,
        // and more than 6 workers writing to one vendor waited on each other.
        configuration.httpMaximumConnectionsPerHost = 256
        return URLSession(configuration: configuration)
    }()

    /// Sends `request`; a network failure or timeout is a retryable `ConnectorError` naming `vendor`.
    public func send(_ request: URLRequest, vendor: String) throws -> Reply {
        var request = request
        request.timeoutInterval = timeout
        final class Outcome: @unchecked Sendable { var value: Result<Reply, ConnectorError>? }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let task = Self.session.dataTask(with: request) { data, response, error in
            if let http = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (key, value) in http.allHeaderFields {
                    if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
                }
                outcome.value = .success(Reply(status: http.statusCode, headers: headers, body: data ?? Data()))
            } else {
                let reason = (error as? URLError)?.code == .timedOut ? "did not answer within \(Int(timeout)) s" : "could not be reached"
                outcome.value = .failure(ConnectorError(.retryable, "\(vendor) \(reason)."))
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            task.cancel()
            throw ConnectorError(.retryable, "\(vendor) did not answer within \(Int(timeout)) s.")
        }
        return try outcome.value?.get() ?? { throw ConnectorError(.retryable, "\(vendor) could not be reached.") }()
    }
}
