import Foundation
import Domain
import Persistence

/// The daily reconciliation: a PayTrace connection with `reconcile_at` (`HH:MM`) and `time_zone`
/// (IANA, UTC unless set) gets, once its local time has passed that hour each day, a backfill of
/// yesterday and today that records any batch not kept yet and reconciles every settlement of
/// those days against Zoho Books. The queue's housekeeping calls it each round; the claim of the
/// local day in PostgreSQL makes it once a day across all processes.
enum ReconciliationScheduler {
    /// Backfills queued now; `now` is a parameter so that tests choose the hour.
    static func scheduleDue(_ tx: Transaction, tenants: TenantScope, now: Date = Date()) throws -> Int {
        var queued = 0
        for scheduled in try ReconciliationScheduleStore.scheduled(tx, tenants: tenants) {
            guard let zone = TimeZone(identifier: scheduled.timeZone), let (day, yesterday, time) = local(now, in: zone), time >= scheduled.reconcileAt,
                try ReconciliationScheduleStore.claim(tx, scheduled, day: day)
            else { continue }
            let payload = JSONValue.object([
                "connection_id": .string(scheduled.connectionId.lowercasedText), "from": .string(yesterday), "to": .string(day),
                "reconcile": .bool(true),
            ])
            try JobQueue.enqueue(
                tx,
                [
                    NewJob(
                        tenantId: scheduled.tenantId, environment: scheduled.environment, kind: .settlementBackfill, payload: payload.canonicalText,
                        maxAttempts: Reconciliation.jobAttempts)
                ])
            queued += 1
        }
        return queued
    }

    /// Today and yesterday (`yyyy-MM-dd`) and the time (`HH:MM`) at `now` in `zone`.
    static func local(_ now: Date, in zone: TimeZone) -> (String, String, String)? {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = zone
        format.dateFormat = "yyyy-MM-dd"
        let day = format.string(from: now), yesterday = format.string(from: now.addingTimeInterval(-86_400))
        format.dateFormat = "HH:mm"
        return (day, yesterday, format.string(from: now))
    }
}
