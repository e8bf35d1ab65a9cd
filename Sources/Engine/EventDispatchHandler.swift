import Foundation
import Domain
import Persistence

/// `event.dispatch`: the first job of every stored event. It hands the event to each flow version
/// deployed in the event's environment whose trigger takes it: one run per flow, whose first
/// step becomes a `flow.step` job. Run by a replay or twice, it finds the runs it started.
struct EventDispatchHandler: JobHandler {
    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let eventId = job.eventId else { return .none }
        // One round trip with no BEGIN or COMMIT: the event and which flow versions are deployed.
        // A version's definition never changes, so it is read only the first time this process
        // meets that version; sending every definition with every dispatch was most of the read.
        let (found, live) = try context.database.readTogether(.tenant(job.tenantId)) { tx in
            try tx.read(
                EventStore.get(tenantId: job.tenantId, environment: job.environment, id: eventId),
                DeploymentStore.liveVersions(tenantId: job.tenantId, environment: job.environment))
        }
        guard let event = found else { return .none }
        // Parsed once for the dispatch and kept for the steps of its runs.
        let payload = StepCaches.event(event.id) {
            StepCaches.ParsedEvent(record: JSONValue(parsing: event.payload) ?? .null, receivedAt: event.receivedAt)
        }.record
        let taking = try live.compactMap { flow -> (UUID, Int, FlowDefinition)? in
            guard let definition = try definition(flowId: flow.flowId, version: flow.version, tenantId: job.tenantId, context),
                definition.matches(source: event.source, type: event.type, payload: payload)
            else { return nil }
            return (flow.flowId, flow.version, definition)
        }
        let key = EventOrdering.key(payload, vendorEventId: event.vendorEventId)
        // Every PayTrace transaction Clearline sees is judged by the fraud detectors, here rather than
        // at intake, so that detection adds nothing to a sender's wait. PayTrace's times are read
        // as UTC: the detectors compare times with each other, which a zone's offset does not change.
        let observation =
            event.source == "paytrace"
            ? PaymentObservation(event: payload, receivedAt: event.receivedAt, zone: TimeZone(identifier: "UTC")!) : nil
        // Each run's first step follows the dispatch: the pool may take it straight to its workers.
        return JobEffects.following(summary: ["flows": "\(taking.count) of \(live.count) deployed flow(s) take this \(event.type) event"]) { tx in
            if let observation { try FraudWatch.judge(tx, tenantId: event.tenantId, environment: event.environment, observation) }
            var first: [NewJob] = []
            for (flowId, version, definition) in taking {
                guard
                    let runId = try RunStore.start(
                        tx, tenantId: event.tenantId, environment: event.environment, eventId: event.id, flowId: flowId, version: version)
                else { continue }
                // Its steps here can guess their ledger keys before reading the run.
                StepCaches.remember(run: runId, .init(flowId: flowId, version: version, eventId: event.id))
                first.append(
                    StepJobPayload(runId: runId, position: 0).job(
                        tenantId: event.tenantId, environment: event.environment, eventId: event.id, orderingKey: key,
                        maxAttempts: definition.errorPolicy.maxAttempts, since: event.receivedAt))
            }
            return first
        }
    }

    /// A deployed version's definition, from the process's cache or else read and kept. Nil when
    /// it does not parse (it takes no events) or is gone.
    func definition(flowId: UUID, version: Int, tenantId: UUID, _ context: JobContext) throws -> FlowDefinition? {
        if let cached = StepCaches.cachedDefinition(flowId: flowId, version: version) { return cached }
        let stored = try context.database.read(.tenant(tenantId)) { tx in try FlowStore.version(tx, tenantId: tenantId, flowId: flowId, version: version) }
        guard let stored else { return nil }
        return try? StepCaches.definition(flowId: flowId, version: version) { try FlowDefinition(JSONValue(parsing: stored.definition) ?? .null) }
    }
}
