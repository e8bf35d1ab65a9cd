public import Foundation

public enum IdempotencyClaim: Sendable, Equatable {
    /// First use of the key: run the request, then `complete` or `abandon`.
    case claimed
    /// Same key, same request, finished: answer with the stored response.
    case replay(status: Int, body: String, location: String?)
    /// Same key, another request body or route.
    case mismatch
    /// Same key, same request, still running in another connection.
    case inProgress
}
