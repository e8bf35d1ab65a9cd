import Foundation
import Domain

/// `SessionRepository` over `SessionStore`, in the session's transaction.
struct PostgresSessionRepository: SessionRepository {
    let tx: Transaction

    func create(user: User) throws -> String {
        try SessionStore.create(tx, user: user)
    }

    func revoke(token: String) throws {
        try SessionStore.revoke(tx, token: token)
    }
}
