public import Foundation

/// Recurring plans: a customer's card on file charged every period.
public protocol RecurringPlanRepository {
    func create(
        tenantId: UUID, environment: EnvironmentName, connectionId: UUID, _ terms: RecurringPlanTerms, invoicing: RecurringPlan.Invoicing?, now: Date
    ) throws -> RecurringPlan

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> RecurringPlan?

    /// Newest first, narrowed by status and by a search of the customer and the caller's reference.
    func list(
        tenantId: UUID, environment: EnvironmentName, status: RecurringPlan.Status?, search: String?, after cursor: PageCursor?, limit: Int
    ) throws -> Page<RecurringPlan>

    /// Pause (to `.paused`), resume (to `.active`) or cancel (to `.cancelled`); nil when that does
    /// not apply to the plan's state.
    func change(tenantId: UUID, environment: EnvironmentName, id: UUID, to status: RecurringPlan.Status, now: Date) throws -> RecurringPlan?

    /// The plan's payment requests, newest first: its periods' attempts.
    func charges(tenantId: UUID, environment: EnvironmentName, planId: UUID, limit: Int) throws -> [PaymentRequest]
}
