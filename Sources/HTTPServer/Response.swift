/// An HTTP response; the server adds `Content-Length` and `Date`.
public struct Response: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Set when the answer is not ready yet (a long poll): the connection stays parked, with no
    /// thread held, until `Deferred.wait` calls back.
    public var deferred: Deferred?
    /// Set by an inline handler whose answer another thread will produce without blocking the
    /// polling thread (intake's batch writer): the connection is parked and `Pending.start` runs.
    public var pending: Pending?
    /// Headers written after `headers` (`HTTPServer.queue`), set once the answer is final.
    public var added: AddedHeaders?
    /// Set for an answer whose status, headers and body are constants of the program (static
    /// lets, never changed or freed), such as the liveness answer: the server keeps
    /// libmicrohttpd's copy of it for the connection's next request and changes only its request
    /// id (`KeptAnswer`).
    public var isConstant = false

    /// The request's id and, for an API answer, its cache and browser-safety headers. Kept apart
    /// from `headers`, so that adding them copies no array: appending them to the handler's grew
    /// it, an allocation, a copy and a free of every answer (callgrind).
    public struct AddedHeaders: Sendable {
        /// `X-Request-Id`.
        public let requestId: String
        /// `Cache-Control: no-store`.
        public let noStore: Bool
        /// `X-Content-Type-Options: nosniff` and a `Content-Security-Policy` that allows nothing:
        /// the answer is data, never a page a browser should sniff into HTML or frame.
        public let dataOnly: Bool

        public init(requestId: String, noStore: Bool, dataOnly: Bool) {
            self.requestId = requestId
            self.noStore = noStore
            self.dataOnly = dataOnly
        }

        /// Calls `body` with each name and value, in the order they are written; the server hands
        /// them to libmicrohttpd this way, with no array made.
        func forEach(_ body: (String, String) -> Void) {
            body("X-Request-Id", requestId)
            if noStore { body("Cache-Control", "no-store") }
            if dataOnly {
                body("X-Content-Type-Options", "nosniff")
                body("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
            }
        }

        /// In the order they are written.
        public var fields: [(name: String, value: String)] {
            var fields: [(name: String, value: String)] = []
            forEach { fields.append(($0, $1)) }
            return fields
        }
    }

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `Content-Type: application/json` alone, made once (the compiler lays it out as a constant
    /// object): as a literal in each answer it was an allocation and a free a request.
    public static let jsonHeaders: [(name: String, value: String)] = [("Content-Type", "application/json")]

    public init(status: Int, contentType: String, body: String) {
        self.init(status: status, headers: [("Content-Type", contentType)], body: Array(body.utf8))
    }

    /// A response that waits for an event instead of holding a thread.
    public static func deferred(_ deferred: Deferred) -> Response {
        var response = Response(status: 204)
        response.deferred = deferred
        return response
    }

    /// A response another thread will give.
    public static func pending(_ pending: Pending) -> Response {
        var response = Response(status: 204)
        response.pending = pending
        return response
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { Self.sameName($0.name, name) }
        headers.append((name, value))
    }

    public func header(_ name: String) -> String? {
        headers.first { Self.sameName($0.name, name) }?.value ?? added?.fields.first { Self.sameName($0.name, name) }?.value
    }

    /// ASCII case-insensitive comparison, without the allocations of `lowercased()`.
    static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).allSatisfy { x, y in x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 97 && (x | 0x20) <= 122) }
    }
}

/// A parked request: `wait` receives a wake-up function and must call it exactly once, from any
/// thread (an event, a deadline, shutdown); `resume` then runs on an executor thread and may
/// block, and what it returns is sent (or parked again).
public struct Deferred: Sendable {
    public let wait: @Sendable (_ wake: @escaping @Sendable () -> Void) -> Void
    public let resume: @Sendable () -> Response

    public init(wait: @escaping @Sendable (_ wake: @escaping @Sendable () -> Void) -> Void, resume: @escaping @Sendable () -> Response) {
        self.wait = wait
        self.resume = resume
    }
}

/// An answer produced elsewhere: `start` runs on the polling thread, must not block, and hands
/// `respond` to whoever produces the answer, which calls it exactly once from any thread.
public struct Pending: Sendable {
    public let start: @Sendable (_ respond: @escaping @Sendable (Response) -> Void) -> Void

    public init(start: @escaping @Sendable (_ respond: @escaping @Sendable (Response) -> Void) -> Void) {
        self.start = start
    }
}
