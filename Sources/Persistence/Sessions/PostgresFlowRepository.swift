import Foundation
import Domain

/// `FlowRepository` over `FlowStore`, in the session's transaction.
struct PostgresFlowRepository: FlowRepository {
    let tx: Transaction

    func create(tenantId: UUID, name: String, description: String, templateId: String?, draft: String) throws -> StoredFlow {
        try FlowStore.create(tx, tenantId: tenantId, name: name, description: description, templateId: templateId, draft: draft)
    }

    func list(tenantId: UUID, after cursor: PageCursor?, limit: Int) throws -> Page<StoredFlow> {
        try FlowStore.list(tx, tenantId: tenantId, after: cursor, limit: limit)
    }

    func get(tenantId: UUID, id: UUID, forUpdate: Bool) throws -> StoredFlow? {
        try FlowStore.get(tx, tenantId: tenantId, id: id, forUpdate: forUpdate)
    }

    func update(tenantId: UUID, id: UUID, name: String?, description: String?, draft: String?) throws -> StoredFlow? {
        try FlowStore.update(tx, tenantId: tenantId, id: id, name: name, description: description, draft: draft)
    }

    func delete(tenantId: UUID, id: UUID) throws -> Bool {
        try FlowStore.delete(tx, tenantId: tenantId, id: id)
    }

    func publish(flow: StoredFlow, definition: String, checksum: String, fixturesPassed: Bool, fixtureResults: String, notes: String, actor: String) throws
        -> FlowVersion
    {
        try FlowStore.publish(
            tx, flow: flow, definition: definition, checksum: checksum, fixturesPassed: fixturesPassed, fixtureResults: fixtureResults, notes: notes,
            actor: actor)
    }

    func version(tenantId: UUID, flowId: UUID, version: Int) throws -> FlowVersion? {
        try FlowStore.version(tx, tenantId: tenantId, flowId: flowId, version: version)
    }

    func versions(tenantId: UUID, flowId: UUID, before: Int?, limit: Int) throws -> (items: [FlowVersion], next: Int?) {
        try FlowStore.versions(tx, tenantId: tenantId, flowId: flowId, before: before, limit: limit)
    }
}
