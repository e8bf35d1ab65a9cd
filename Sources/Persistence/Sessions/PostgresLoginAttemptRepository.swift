import Foundation
import Domain

/// `LoginAttemptRepository` over `LoginAttemptStore`, in the session's transaction.
struct PostgresLoginAttemptRepository: LoginAttemptRepository {
    let tx: Transaction

    func reserve(email: String, client: String, limits: LoginLimits) throws -> LoginReservation {
        try LoginAttemptStore.reserve(tx, email: email, client: client, limits: limits)
    }

    func succeeded(attempt: Int64, email: String) throws {
        try LoginAttemptStore.succeeded(tx, attempt: attempt, email: email)
    }
}
