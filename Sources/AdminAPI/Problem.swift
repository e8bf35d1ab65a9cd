public import Domain
import HTTPServer

/// An RFC 9457 problem: the one error type the HTTP layer renders itself. Every other error is
/// mapped to one of these in `ErrorMapping`.
public struct Problem: Error, Sendable {
    public var status: Int
    public var title: String
    public var detail: String?
    public var errors: [FieldError]
    public var headers: [(name: String, value: String)]

    public init(status: Int, title: String, detail: String? = nil, errors: [FieldError] = [], headers: [(name: String, value: String)] = []) {
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    /// `type` is a stable URI per kind of problem, relative to the API, so clients can branch on it.
    var type: String {
        switch status {
        case 400: "/problems/bad-request"
        case 401: "/problems/unauthorized"
        case 403: "/problems/forbidden"
        case 404: "/problems/not-found"
        case 405: "/problems/method-not-allowed"
        case 409: "/problems/conflict"
        case 413: "/problems/payload-too-large"
        case 415: "/problems/unsupported-media-type"
        case 422: "/problems/validation"
        case 429: "/problems/rate-limited"
        case 503: "/problems/unavailable"
        default: "/problems/internal"
        }
    }

    func response(requestId: String, path: String) -> Response {
        let body = ProblemBody(
            type: type, title: title, status: status, detail: detail, instance: path,
            requestId: requestId, errors: errors.isEmpty ? nil : errors)
        var response = Response(status: status, headers: headers, body: JSONCoding.encode(body))
        response.setHeader("Content-Type", "application/problem+json")
        return response
    }

    static func badRequest(_ detail: String) -> Problem { Problem(status: 400, title: "Bad request", detail: detail) }
    static let unauthorized = Problem(
        status: 401, title: "Unauthorized", detail: "Send a valid API key as `Authorization: Bearer <token>`, or log in.",
        headers: [("WWW-Authenticate", "Bearer realm=\"clearline\"")])
    static func forbidden(_ detail: String) -> Problem { Problem(status: 403, title: "Forbidden", detail: detail) }
    static func notFound(_ detail: String = "No such resource.") -> Problem { Problem(status: 404, title: "Not found", detail: detail) }
    static func conflict(_ detail: String) -> Problem { Problem(status: 409, title: "Conflict", detail: detail) }
    static func validation(_ errors: [FieldError]) -> Problem {
        Problem(status: 422, title: "Validation failed", detail: errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "), errors: errors)
    }
}

struct ProblemBody: Encodable {
    let type: String
    let title: String
    let status: Int
    let detail: String?
    let instance: String
    let requestId: String
    let errors: [FieldError]?
}
