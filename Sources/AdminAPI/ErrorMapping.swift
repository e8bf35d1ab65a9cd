import Domain
import Logging
import Persistence

/// The one place where errors become HTTP statuses. Anything unexpected is a 500 with a
/// generic message and the request id; the details go to the log only.
enum ErrorMapping {
    static func problem(for error: any Error, requestId: String, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let domain as DomainError:
            switch domain {
            case .notFound(let what): return .notFound(what)
            case .validation(let errors): return .validation(errors)
            case .conflict(let detail): return .conflict(detail)
            case .forbidden(let detail): return .forbidden(detail)
            }
        case let database as PostgresError where database.isInvalidInput:
            return .badRequest("The input cannot be kept as sent (text that is not its type, a \\u0000, or JSON nested too deep).")
        case let database as PostgresError where database.isUniqueViolation:
            return .conflict("A resource with the same unique value already exists.")
        case let database as PostgresError where database.isUnavailable:
            logger.error("database unavailable", metadata: ["request_id": .string(requestId), "error": "\(database)"])
            return Problem(
                status: 503, title: "Service unavailable", detail: "The database is not reachable right now; retry shortly.",
                headers: [("Retry-After", "2")])
        default:
            logger.error("unhandled error", metadata: ["request_id": .string(requestId), "error": "\(error)"])
            return Problem(
                status: 500, title: "Internal server error",
                detail: "Something went wrong on our side. Quote request id \(requestId) when you report it.")
        }
    }
}
