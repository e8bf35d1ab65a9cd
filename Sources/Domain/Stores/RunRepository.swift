public import Foundation

/// Runs of flows and their steps' outcomes.
public protocol RunRepository {
    /// The run of this flow for this event, created the first time; nil when it already existed.
    func start(tenantId: UUID, environment: EnvironmentName, eventId: UUID, flowId: UUID, version: Int) throws -> UUID?

    func get(tenantId: UUID, id: UUID) throws -> Run?

    func forEvent(tenantId: UUID, eventId: UUID) throws -> [Run]

    /// Runs with their flow's name and what their event was about, as `filter` selects.
    func listings(tenantId: UUID, environment: EnvironmentName, filter: RunFilter, after cursor: PageCursor?, limit: Int) throws -> Page<RunListing>

    /// Per step position, over every job of the step (replays included), queued or finished: the
    /// jobs of the run's event whose payload names the run and a position.
    func attempts(run: Run) throws -> [Int: StepAttempts]

    func steps(tenantId: UUID, runId: UUID) throws -> [RunStep]

    /// Records a step's outcome; a step recorded again (a replay after review) is overwritten.
    func record(run: Run, position: Int, stepId: String, target: String, status: StepStatus, record: String?, externalId: String?, detail: String?) throws

    func finish(run: Run, status: RunStatus, detail: String?) throws
}
