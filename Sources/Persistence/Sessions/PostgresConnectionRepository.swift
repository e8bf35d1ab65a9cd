import Foundation
import Domain

/// `ConnectionRepository` over `ConnectionStore`, in the session's transaction.
struct PostgresConnectionRepository: ConnectionRepository {
    let tx: Transaction
    let vault: Vault

    func create(
        tenantId: UUID, environment: EnvironmentName, kind: ConnectionKind, name: String, settings: [String: ConnectionSetting], secrets: [String: String]
    ) throws -> Connection {
        try ConnectionStore.create(tx, vault: vault, tenantId: tenantId, environment: environment, kind: kind, name: name, settings: settings, secrets: secrets)
    }

    func list(tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<Connection> {
        try ConnectionStore.list(tx, tenantId: tenantId, environment: environment, after: cursor, limit: limit)
    }

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Connection? {
        try ConnectionStore.get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func update(tenantId: UUID, environment: EnvironmentName, id: UUID, name: String?, settings: [String: ConnectionSetting?], secrets: [String: String?])
        throws -> Connection?
    {
        try ConnectionStore.update(tx, vault: vault, tenantId: tenantId, environment: environment, id: id, name: name, settings: settings, secrets: secrets)
    }

    func setStatus(tenantId: UUID, id: UUID, status: String) throws {
        try ConnectionStore.setStatus(tx, tenantId: tenantId, id: id, status: status)
    }

    func delete(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Bool {
        try ConnectionStore.delete(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func secret(tenantId: UUID, connectionId: UUID, name: String) throws -> String? {
        try ConnectionStore.secret(tx, vault: vault, tenantId: tenantId, connectionId: connectionId, name: name)
    }

    func secrets(connection: Connection) throws -> [String: String] {
        try ConnectionStore.secrets(tx, vault: vault, connection: connection)
    }
}
