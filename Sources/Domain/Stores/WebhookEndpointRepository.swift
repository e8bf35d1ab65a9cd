public import Foundation

/// Webhook endpoints and their sealed secrets.
public protocol WebhookEndpointRepository {
    /// Creates the endpoint and, when its mode signs, its first secret (returned once, never again).
    func create(
        tenantId: UUID, environment: EnvironmentName, name: String, source: String, verification: WebhookVerification, secretHeader: String?,
        connectionId: UUID?
    ) throws -> (WebhookEndpoint, String?)

    func list(tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<
        WebhookEndpoint
    >

    func get(tenantId: UUID, environment: EnvironmentName?, id: UUID) throws -> WebhookEndpoint?

    /// A new secret, returned once; the previous one keeps working for `rotationOverlap`.
    func rotate(endpoint: WebhookEndpoint) throws -> String

    func setStatus(endpoint: WebhookEndpoint, active: Bool) throws

    /// The secrets a delivery may be signed with now: the current one and, during a rotation, the previous.
    func validSecrets(endpoint: WebhookEndpoint) throws -> [String]
}
