import Foundation

/// An HTTP request whose body has been read in full.
///
/// What the request came with is kept in one shared box: a request is copied several times on
/// its way (into the routed request, its context, the executor's job), and copying nine
/// reference-counted fields each time, and releasing them again, was a tenth of `GET /healthz`'s
/// own work (callgrind). Only what the router fills in lives beside the box.
public struct Request: Sendable {
    private final class Received: Sendable {
        let method: String
        let path: String
        let query: [String: String]
        let headers: HeaderFields
        let body: [UInt8]
        let clientAddress: String
        let repeatedQueryNames: Set<String>

        init(
            method: String, path: String, query: [String: String], headers: HeaderFields, body: [UInt8], clientAddress: String,
            repeatedQueryNames: Set<String>
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
            self.clientAddress = clientAddress
            self.repeatedQueryNames = repeatedQueryNames
        }
    }

    private let received: Received

    public var method: String { received.method }
    public var path: String { received.path }
    /// Query arguments, percent-decoded; the first value wins for a repeated name.
    public var query: [String: String] { received.query }
    /// Header names lower-cased; the first value wins for a repeated name.
    public var headers: [String: String] { received.headers.dictionary }
    public var body: [UInt8] { received.body }
    public var clientAddress: String { received.clientAddress }
    /// Query names given more than once (`?q=a&q=b`), which the API refuses rather than guess.
    public var repeatedQueryNames: Set<String> { received.repeatedQueryNames }
    /// Values of `{name}` segments, filled in by the router.
    public var pathParameters: [String: String] = [:]
    /// The route pattern that matched (e.g. `/v1/tenants/{tenantId}`), for logs and metrics.
    public var routePattern: String?
    /// The route the inline pass found, so the executor's pass need not match the path again
    /// (the router was a tenth of an authenticated list's work, matching twice).
    public var matchedRoute: (any AnyObject & Sendable)?

    public init(
        method: String, path: String, query: [String: String], headers: [String: String], body: [UInt8], clientAddress: String,
        repeatedQueryNames: Set<String> = []
    ) {
        self.init(
            method: method, path: path, query: query, fields: HeaderFields(headers), body: body, clientAddress: clientAddress,
            repeatedQueryNames: repeatedQueryNames)
    }

    init(
        method: String, path: String, query: [String: String], fields: HeaderFields, body: [UInt8], clientAddress: String,
        repeatedQueryNames: Set<String>
    ) {
        received = Received(
            method: method, path: path, query: query, headers: fields, body: body, clientAddress: clientAddress,
            repeatedQueryNames: repeatedQueryNames)
    }

    /// The first value of the header with this name, in any case.
    public func header(_ name: String) -> String? {
        received.headers.value(named: name)
    }

    /// The body's media type without its parameters, lower-cased (`text/csv; charset=utf-8` → `text/csv`).
    public var mediaType: String? {
        header("content-type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
