public import Foundation

/// Pending OAuth authorizations.
public protocol OAuthStateRepository {
    func create(tenantId: UUID, environment: EnvironmentName, connectionId: UUID, redirectURI: String, createdBy: String) throws -> String
}
