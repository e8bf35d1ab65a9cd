import Foundation
import Domain
import Persistence

/// A flow step taken up again for a repair: the run that wrote a record, the step's position
/// and its event, found through the record's cross-reference; then the stale link forgotten and
/// the step queued again, so the exactly-once writer writes the record afresh.
enum FlowStepReplay {
    static func locate(_ repair: ReconciliationRepairHandler.Context, target: String, sourceKey: String) throws -> (SyncLink, Run, Int, Event) {
        try repair.database.transaction(.tenant(repair.tenantId)) { tx in
            guard let link = try SyncLinkStore.link(tx, tenantId: repair.tenantId, environment: repair.environment, target: target, sourceKey: sourceKey),
                let run = try RunStore.get(tx, tenantId: repair.tenantId, id: link.runId),
                let position = try RunStore.steps(tx, tenantId: repair.tenantId, runId: run.id).first(where: { $0.target == target })?.position,
                let event = try EventStore.get(tx, tenantId: repair.tenantId, environment: repair.environment, id: run.eventId)
            else {
                throw PermanentJobFailure("no flow of Clearline's wrote transaction \(repair.transaction)'s \(target); nothing to post again")
            }
            return (link, run, position, event)
        }
    }

    static func replay(
        _ repair: ReconciliationRepairHandler.Context, link: SyncLink, run: Run, position: Int, event: Event, summary: [String: String], detail: String
    ) -> JobEffects {
        let orderingKey = EventOrdering.key(JSONValue(parsing: event.payload) ?? .null, vendorEventId: event.vendorEventId)
        let (tenantId, environment) = (repair.tenantId, repair.environment)
        return JobEffects(summary: summary) { tx in
            try SyncLinkStore.forget(tx, link)
            try RunStore.finish(tx, run: run, status: .running, detail: "step \(position + 1) posted again: \(detail)")
            try JobQueue.enqueue(
                tx,
                [
                    StepJobPayload(runId: run.id, position: position).job(
                        tenantId: tenantId, environment: environment, eventId: event.id, orderingKey: orderingKey, maxAttempts: 8)
                ])
        }
    }
}
