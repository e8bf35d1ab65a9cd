import Foundation
import Domain

/// `AlertRepository` over `AlertStore`, in the session's transaction.
struct PostgresAlertRepository: AlertRepository {
    let tx: Transaction

    @discardableResult
    func raise(tenantId: UUID, environment: EnvironmentName, kind: Alert.Kind, subject: String, message: String) throws -> Bool {
        try AlertStore.raise(tx, tenantId: tenantId, environment: environment, kind: kind, subject: subject, message: message)
    }

    func list(tenantId: UUID, environment: EnvironmentName, _ filter: AlertFilter, after cursor: PageCursor?, limit: Int) throws -> Page<Alert> {
        try AlertStore.list(tx, tenantId: tenantId, environment: environment, filter, after: cursor, limit: limit)
    }

    func acknowledge(tenantId: UUID, environment: EnvironmentName, id: UUID, by actor: String) throws -> Alert? {
        try AlertStore.acknowledge(tx, tenantId: tenantId, environment: environment, id: id, by: actor)
    }

    func incidents(tenantId: UUID, environment: EnvironmentName, limit: Int) throws -> [AlertIncident] {
        try AlertStore.incidents(tx, tenantId: tenantId, environment: environment, limit: limit)
    }

    func acknowledgeIncident(tenantId: UUID, environment: EnvironmentName, key: String, by actor: String) throws -> Int {
        try AlertStore.acknowledgeIncident(tx, tenantId: tenantId, environment: environment, key: key, by: actor)
    }
}
