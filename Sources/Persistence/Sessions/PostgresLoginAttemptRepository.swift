import Foundation
import Domain

/// `LoginAttemptRepository` over `LoginAttemptStore`, in the session's transaction.
struct PostgresLoginAttemptRepository: LoginAttemptRepository {
    let tx: Transaction

    func retryAfter(email: String, client: String, limits: LoginLimits) throws -> Int? {
        try LoginAttemptStore.retryAfter(tx, email: email, client: client, limits: limits)
    }

    func record(email: String, client: String, success: Bool) throws {
        try LoginAttemptStore.record(tx, email: email, client: client, success: success)
    }
}
