import Foundation

/// Browser sessions.
public protocol SessionRepository {
    func create(user: User) throws -> String

    func revoke(token: String) throws
}
