public import Foundation

/// Flows, their drafts and their immutable versions.
public protocol FlowRepository {
    func create(tenantId: UUID, name: String, description: String, templateId: String?, draft: String) throws -> StoredFlow

    func list(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<StoredFlow>

    func get(tenantId: UUID, id: UUID, forUpdate: Bool) throws -> StoredFlow?

    /// Changes name, description and draft; nil fields stay. The revision goes up by one.
    func update(tenantId: UUID, id: UUID, name: String?, description: String?, draft: String?) throws -> StoredFlow?

    /// Only a flow deployed nowhere can go; its versions stay for the record.
    func delete(tenantId: UUID, id: UUID) throws -> Bool

    func publish(flow: StoredFlow, definition: String, checksum: String, fixturesPassed: Bool, fixtureResults: String, notes: String, actor: String) throws
        -> FlowVersion

    func version(tenantId: UUID, flowId: UUID, version: Int) throws -> FlowVersion?

    /// Newest first, paged by version number.
    func versions(tenantId: UUID, flowId: UUID, before: Int?, limit: Int) throws -> (items: [FlowVersion], next: Int?)
}

/// The defaults of the arguments callers may leave out.
extension FlowRepository {
    public func get(tenantId: UUID, id: UUID) throws -> StoredFlow? {
        try self.get(tenantId: tenantId, id: id, forUpdate: false)
    }
}
