import Foundation

/// Failed logins, so the limits hold across every process.
public protocol LoginAttemptRepository {
    /// Seconds until the next attempt is allowed, or nil when one is allowed now.
    func retryAfter(email: String, client: String, limits: LoginLimits) throws -> Int?

    func record(email: String, client: String, success: Bool) throws
}
