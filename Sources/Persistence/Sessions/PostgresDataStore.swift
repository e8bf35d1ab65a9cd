public import Foundation
public import Domain

/// The `DataStore` over PostgreSQL: each transaction a `PostgresStoreSession`, whose stores seal
/// and open secrets with `vault`.
public struct PostgresDataStore: DataStore {
    let database: Database
    let vault: Vault

    public init(database: Database, vault: Vault) {
        self.database = database
        self.vault = vault
    }

    public func transaction<T>(_ scope: AccessScope, _ body: (any StoreSession) throws -> T) throws -> T {
        try database.transaction(scope) { try body(PostgresStoreSession($0, vault: vault)) }
    }

    public func read<T>(_ scope: AccessScope, _ body: (any StoreSession) throws -> T) throws -> T {
        try database.read(scope) { try body(PostgresStoreSession($0, vault: vault)) }
    }

    public func locateWebhookEndpoint(_ id: UUID) throws -> (tenantId: UUID, environment: EnvironmentName, active: Bool, tenantActive: Bool)? {
        try WebhookEndpointStore.locate(database, id: id)
    }

    public func locateAgentConnection(_ id: UUID) throws -> (tenantId: UUID, environment: EnvironmentName)? {
        try AgentCommandStore.locate(database, connectionId: id)
    }

    public func takeOAuthState(_ state: String) throws -> PendingOAuth? {
        try OAuthStateStore.take(database, state: state)
    }

    public func isCurrent() throws -> Bool {
        try database.transaction(.platform) { try Migrator.isCurrent($0) }
    }
}
