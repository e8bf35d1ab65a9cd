import Foundation
import Domain

/// `OAuthStateRepository` over `OAuthStateStore`, in the session's transaction.
struct PostgresOAuthStateRepository: OAuthStateRepository {
    let tx: Transaction

    func create(tenantId: UUID, environment: EnvironmentName, connectionId: UUID, redirectURI: String, createdBy: String) throws -> String {
        try OAuthStateStore.create(tx, tenantId: tenantId, environment: environment, connectionId: connectionId, redirectURI: redirectURI, createdBy: createdBy)
    }
}
