import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Synchronization

/// One request in flight: what has arrived so far, and why it was cut short, if it was.
final class TransportExchange: @unchecked Sendable {
    let vendor: String
    let origin: URL
    let maxBodyBytes: Int
    let guarded: Bool
    let done = DispatchSemaphore(value: 0)
    // Written on the session's delegate queue only, read after `done` is signalled.
    var response: HTTPURLResponse?
    var body = Data()
    /// Set from the delegate queue or by the waiting thread, so under a lock; the first reason stands.
    private let failureBox = Mutex<ConnectorError?>(nil)
    var failure: ConnectorError? {
        get { failureBox.withLock { $0 } }
        set { failureBox.withLock { $0 = $0 ?? newValue } }
    }
    var networkError: URLError?

    init(vendor: String, origin: URL, maxBodyBytes: Int, guarded: Bool) {
        self.vendor = vendor
        self.origin = origin
        self.maxBodyBytes = maxBodyBytes
        self.guarded = guarded
    }

    func outcome(timeout: TimeInterval) throws -> HTTPTransport.Reply {
        if let failure { throw failure }
        guard let response else {
            let reason = networkError?.code == .timedOut ? "did not answer within \(Int(timeout)) s" : "could not be reached"
            throw ConnectorError(.retryable, "\(vendor) \(reason).")
        }
        var headers: [String: String] = [:]
        for (key, value) in response.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return HTTPTransport.Reply(status: response.statusCode, headers: headers, body: body)
    }

    /// A redirect is followed only within the origin (an upgrade from http to https included),
    /// so a vendor cannot bounce Clearline to an address the policy would refuse.
    func mayFollow(to url: URL?) -> Bool {
        guard guarded else { return true }
        guard let url, let host = url.host?.lowercased(), host == origin.host?.lowercased() else { return false }
        let (scheme, originScheme) = (url.scheme?.lowercased(), origin.scheme?.lowercased())
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let originPort = origin.port ?? (originScheme == "https" ? 443 : 80)
        return (scheme == originScheme && port == originPort) || (scheme == "https" && originScheme == "http" && port == 443)
    }

    /// The failure of a body over the cap.
    var tooLarge: ConnectorError {
        let limit = maxBodyBytes >= 1 << 20 ? "\(maxBodyBytes >> 20) MB" : "\(maxBodyBytes >> 10) KB"
        return ConnectorError(.permanent, "\(vendor) answered with more than \(limit); Clearline stopped reading there.")
    }
}

/// The session's delegate: routes each task's callbacks to its exchange.
final class TransportExchanges: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let open = Mutex<[Int: TransportExchange]>([:])

    func begin(_ id: Int, _ exchange: TransportExchange) { open.withLock { $0[id] = exchange } }
    func end(_ id: Int) { _ = open.withLock { $0.removeValue(forKey: id) } }
    private func exchange(_ task: URLSessionTask) -> TransportExchange? { open.withLock { $0[task.taskIdentifier] } }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        guard let exchange = exchange(dataTask) else { return completionHandler(.cancel) }
        if response.expectedContentLength > Int64(exchange.maxBodyBytes) {
            exchange.failure = exchange.tooLarge
            // The disposition alone lets the transfer run on, discarding: cancel the task too.
            completionHandler(.cancel)
            return dataTask.cancel()
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let exchange = exchange(dataTask), exchange.failure == nil else { return }
        guard exchange.body.count + data.count <= exchange.maxBodyBytes else {
            exchange.failure = exchange.tooLarge
            exchange.body = Data()
            dataTask.cancel()
            return
        }
        exchange.body.append(data)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping (URLRequest?) -> Void
    ) {
        guard let exchange = exchange(task) else { return completionHandler(nil) }
        guard exchange.mayFollow(to: request.url) else {
            exchange.failure = ConnectorError(
                .permanent,
                "\(exchange.vendor) redirected to \(request.url?.host ?? "another address"); Clearline follows redirects only to the same host.")
            return completionHandler(nil)
        }
        completionHandler(request)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let exchange = exchange(task) else { return }
        // A transfer that ended in an error has no answer, whatever head arrived: libcurl hands
        // the egress proxy's refusal of a CONNECT (403) over as if the vendor had said it.
        exchange.response = error == nil ? task.response as? HTTPURLResponse : nil
        exchange.networkError = error as? URLError
        exchange.done.signal()
    }
}
