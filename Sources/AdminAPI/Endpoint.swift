import HTTPServer
import Domain

/// One API operation: where it lives, who may call it, and what it does.
struct Endpoint: Sendable {
    enum Access: Sendable, Equatable {
        /// No credentials (health checks, login).
        case anonymous
        /// Any authenticated principal.
        case authenticated
        /// Platform administrators only; anyone else gets 404, as if the route did not exist for them.
        case platformAdmin
        /// A principal of the `{tenantId}` in the path holding at least `role`, or a platform admin.
        case tenant(Role)
    }

    typealias Handler = @Sendable (RequestContext) throws -> Response
    /// Answers on the HTTP polling thread when it can do so without blocking (possibly with a
    /// `Pending` answer); nil hands the request to `handler` on the executor.
    typealias FastPath = @Sendable (RequestContext) throws -> Response?

    let method: String
    let pattern: String
    let access: Access
    /// Creating POSTs honour `Idempotency-Key`.
    let idempotent: Bool
    /// Rewrites a response body before it is stored for replay, to drop secrets shown only once.
    let redactForReplay: (@Sendable ([UInt8]) -> [UInt8])?
    /// Never blocks (no database): answered on the HTTP polling thread, not the executor.
    let inline: Bool
    let fastPath: FastPath?
    let handler: Handler
    /// The route's request metrics, given when the app registers it.
    var series: Metrics.Series?

    init(
        _ method: String, _ pattern: String, access: Access, idempotent: Bool = false,
        redactForReplay: (@Sendable ([UInt8]) -> [UInt8])? = nil, inline: Bool = false, fastPath: FastPath? = nil, handler: @escaping Handler
    ) {
        precondition(!(inline || fastPath != nil) || access == .anonymous, "authentication reads the database, so it cannot run inline")
        self.method = method
        self.pattern = pattern
        self.access = access
        self.idempotent = idempotent
        self.redactForReplay = redactForReplay
        self.inline = inline
        self.fastPath = fastPath
        self.handler = handler
    }
}
