public import Foundation

/// Vendor connections per environment, with their sealed secrets.
public protocol ConnectionRepository {
    func create(
        tenantId: UUID, environment: EnvironmentName, kind: ConnectionKind, name: String, settings: [String: ConnectionSetting], secrets: [String: String]
    ) throws -> Connection

    func list(tenantId: UUID, environment: EnvironmentName, after cursor: PageCursor?, limit: Int) throws -> Page<Connection>

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Connection?

    /// Changes what is given: settings are merged (a nil value removes one), secrets replaced
    /// (a nil value clears one). Returns nil when there is no such connection.
    func update(tenantId: UUID, environment: EnvironmentName, id: UUID, name: String?, settings: [String: ConnectionSetting?], secrets: [String: String?])
        throws -> Connection?

    /// Records the outcome of the latest check against the vendor.
    func setStatus(tenantId: UUID, id: UUID, status: String) throws

    /// Soft-deletes the connection and erases its secrets.
    func delete(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Bool

    /// The clear text of one secret, for the code that talks to the vendor; nil when not set.
    func secret(tenantId: UUID, connectionId: UUID, name: String) throws -> String?

    /// Every secret of the connection's kind that is set, opened.
    func secrets(connection: Connection) throws -> [String: String]
}
