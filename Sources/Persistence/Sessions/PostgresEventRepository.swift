import Foundation
import Domain

/// `EventRepository` over `EventStore`, in the session's transaction.
struct PostgresEventRepository: EventRepository {
    let tx: Transaction

    func record(_ event: NewEvent, firstJob: JobKind, wake: Bool) throws -> (id: UUID, duplicate: Bool) {
        try EventStore.record(tx, event, firstJob: firstJob, wake: wake)
    }

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Event? {
        try EventStore.get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func list(tenantId: UUID, environment: EnvironmentName, filter: EventFilter, after cursor: PageCursor?, limit: Int) throws -> Page<Event> {
        try EventStore.list(tx, tenantId: tenantId, environment: environment, filter: filter, after: cursor, limit: limit)
    }
}
