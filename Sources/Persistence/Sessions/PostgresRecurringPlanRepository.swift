import Foundation
import Domain

/// `RecurringPlanRepository` over `RecurringPlanStore`, in the session's transaction.
struct PostgresRecurringPlanRepository: RecurringPlanRepository {
    let tx: Transaction

    func create(
        tenantId: UUID, environment: EnvironmentName, connectionId: UUID, _ terms: RecurringPlanTerms, invoicing: RecurringPlan.Invoicing?, now: Date
    ) throws -> RecurringPlan {
        try RecurringPlanStore.create(tx, tenantId: tenantId, environment: environment, connectionId: connectionId, terms, invoicing: invoicing, now: now)
    }

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> RecurringPlan? {
        try RecurringPlanStore.get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func list(
        tenantId: UUID, environment: EnvironmentName, status: RecurringPlan.Status?, search: String?, after cursor: PageCursor?, limit: Int
    ) throws -> Page<RecurringPlan> {
        try RecurringPlanStore.list(tx, tenantId: tenantId, environment: environment, status: status, search: search, after: cursor, limit: limit)
    }

    func change(tenantId: UUID, environment: EnvironmentName, id: UUID, to status: RecurringPlan.Status, now: Date) throws -> RecurringPlan? {
        try RecurringPlanStore.change(tx, tenantId: tenantId, environment: environment, id: id, to: status, now: now)
    }

    func charges(tenantId: UUID, environment: EnvironmentName, planId: UUID, limit: Int) throws -> [PaymentRequest] {
        try PaymentRequestStore.ofPlan(tx, tenantId: tenantId, environment: environment, planId: planId, limit: limit)
    }
}
