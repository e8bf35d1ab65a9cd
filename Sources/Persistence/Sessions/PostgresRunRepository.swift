import Foundation
import Domain

/// `RunRepository` over `RunStore`, in the session's transaction.
struct PostgresRunRepository: RunRepository {
    let tx: Transaction

    func start(tenantId: UUID, environment: EnvironmentName, eventId: UUID, flowId: UUID, version: Int) throws -> UUID? {
        try RunStore.start(tx, tenantId: tenantId, environment: environment, eventId: eventId, flowId: flowId, version: version)
    }

    func get(tenantId: UUID, id: UUID) throws -> Run? {
        try RunStore.get(tx, tenantId: tenantId, id: id)
    }

    func forEvent(tenantId: UUID, eventId: UUID) throws -> [Run] {
        try RunStore.forEvent(tx, tenantId: tenantId, eventId: eventId)
    }

    func listings(tenantId: UUID, environment: EnvironmentName, filter: RunFilter, after cursor: PageCursor?, limit: Int) throws -> Page<RunListing> {
        try RunStore.listings(tx, tenantId: tenantId, environment: environment, filter: filter, after: cursor, limit: limit)
    }

    func attempts(run: Run) throws -> [Int: StepAttempts] {
        try RunStore.attempts(tx, run: run)
    }

    func steps(tenantId: UUID, runId: UUID) throws -> [RunStep] {
        try RunStore.steps(tx, tenantId: tenantId, runId: runId)
    }

    func record(run: Run, position: Int, stepId: String, target: String, status: StepStatus, record: String?, externalId: String?, detail: String?) throws {
        try RunStore.record(
            tx, run: run, position: position, stepId: stepId, target: target, status: status, record: record, externalId: externalId, detail: detail)
    }

    func finish(run: Run, status: RunStatus, detail: String?) throws {
        try RunStore.finish(tx, run: run, status: status, detail: detail)
    }
}
