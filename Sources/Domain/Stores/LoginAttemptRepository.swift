import Foundation

/// Login attempts, so the limits hold across every process.
public protocol LoginAttemptRepository {
    /// Reserves an attempt before its password is checked: the id of the attempt (counted as a
    /// failure until `succeeded`), or the seconds to wait first. Concurrent attempts queue for the
    /// reservation, so no more than the limit ever reach the password hash.
    func reserve(email: String, client: String, limits: LoginLimits) throws -> LoginReservation

    /// The reserved attempt's password was right: it no longer counts, nor do the account's
    /// earlier failures (a typo earlier does not slow the user later).
    func succeeded(attempt: Int64, email: String) throws
}

public enum LoginReservation: Sendable, Equatable {
    case reserved(Int64)
    case wait(seconds: Int)
}
