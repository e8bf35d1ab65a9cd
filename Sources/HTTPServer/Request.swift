import Foundation

/// An HTTP request whose body has been read in full.
public struct Request: Sendable {
    public let method: String
    public let path: String
    /// Query arguments, percent-decoded; the first value wins for a repeated name.
    public let query: [String: String]
    /// Header names lower-cased; the first value wins for a repeated name.
    public let headers: [String: String]
    public let body: [UInt8]
    public let clientAddress: String
    /// Values of `{name}` segments, filled in by the router.
    public var pathParameters: [String: String] = [:]
    /// The route pattern that matched (e.g. `/v1/tenants/{tenantId}`), for logs and metrics.
    public var routePattern: String?
    /// Query names given more than once (`?q=a&q=b`), which the API refuses rather than guess.
    public var repeatedQueryNames: Set<String> = []
    /// The route the inline pass found, so the executor's pass need not match the path again
    /// (the router was a tenth of an authenticated list's work, matching twice).
    public var matchedRoute: (any AnyObject & Sendable)?

    public init(method: String, path: String, query: [String: String], headers: [String: String], body: [UInt8], clientAddress: String) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
    }

    /// Callers mostly name headers in lower case already; only a name with a capital pays for
    /// `lowercased()`.
    public func header(_ name: String) -> String? {
        name.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) ? headers[name.lowercased()] : headers[name]
    }

    /// The body's media type without its parameters, lower-cased (`text/csv; charset=utf-8` → `text/csv`).
    public var mediaType: String? {
        header("content-type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
