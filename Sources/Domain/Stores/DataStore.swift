public import Foundation

/// Whose rows a transaction may see: one tenant's, or every tenant's (platform administration,
/// login, the CLI). The store enforces it twice: each query filters by tenant, and row-level
/// security binds the transaction to the scope.
public enum AccessScope: Sendable, Equatable {
    /// One tenant's rows only. The tenant must exist and not be deleted: a transaction in the
    /// scope of any other id fails with `DomainError.notFound` before its body runs.
    case tenant(UUID)
    case platform
}

/// Where the API's data lives: a transaction at a time, its stores reached through `StoreSession`.
public protocol DataStore: Sendable {
    /// Runs `body` in one transaction under `scope`; commits when it returns, rolls back when it throws.
    func transaction<T>(_ scope: AccessScope, _ body: (any StoreSession) throws -> T) throws -> T
    /// The same for a body that makes exactly one statement (a page of a list): it and the
    /// transaction's opening and commit travel together.
    func read<T>(_ scope: AccessScope, _ body: (any StoreSession) throws -> T) throws -> T

    // Lookups made before the tenant is known (a webhook, an agent's poll, an OAuth callback):
    // each answers with the owner only, so the request can continue in that tenant's scope.

    /// The tenant and environment of a webhook endpoint, and whether it is active.
    func locateWebhookEndpoint(_ id: UUID) throws -> (tenantId: UUID, environment: EnvironmentName, active: Bool, tenantActive: Bool)?
    /// The tenant and environment of a Sage Pro agent connection.
    func locateAgentConnection(_ id: UUID) throws -> (tenantId: UUID, environment: EnvironmentName)?
    /// The pending OAuth authorization of `state`, taken: a state is good once.
    func takeOAuthState(_ state: String) throws -> PendingOAuth?
    /// Whether the schema has every migration this build knows (readiness).
    func isCurrent() throws -> Bool
}
