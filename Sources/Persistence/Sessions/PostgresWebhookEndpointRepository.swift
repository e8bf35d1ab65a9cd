import Foundation
import Domain

/// `WebhookEndpointRepository` over `WebhookEndpointStore`, in the session's transaction.
struct PostgresWebhookEndpointRepository: WebhookEndpointRepository {
    let tx: Transaction
    let vault: Vault

    func create(
        tenantId: UUID, environment: EnvironmentName, name: String, source: String, verification: WebhookVerification, secretHeader: String?,
        connectionId: UUID?
    ) throws -> (WebhookEndpoint, String?) {
        try WebhookEndpointStore.create(
            tx, vault: vault, tenantId: tenantId, environment: environment, name: name, source: source, verification: verification, secretHeader: secretHeader,
            connectionId: connectionId)
    }

    func list(tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<
        WebhookEndpoint
    > {
        try WebhookEndpointStore.list(tx, tenantId: tenantId, environment: environment, after: cursor, limit: limit)
    }

    func get(tenantId: UUID, environment: EnvironmentName?, id: UUID) throws -> WebhookEndpoint? {
        try WebhookEndpointStore.get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func rotate(endpoint: WebhookEndpoint) throws -> String {
        try WebhookEndpointStore.rotate(tx, vault: vault, endpoint: endpoint)
    }

    func setStatus(endpoint: WebhookEndpoint, active: Bool) throws {
        try WebhookEndpointStore.setStatus(tx, endpoint: endpoint, active: active)
    }

    func validSecrets(endpoint: WebhookEndpoint) throws -> [String] {
        try WebhookEndpointStore.validSecrets(tx, vault: vault, endpoint: endpoint)
    }
}
