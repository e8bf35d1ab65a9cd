import Foundation
import Connectors
public import Domain
import Persistence

/// `recurring.invoice` (`{"plan_id", "period", "at"}`): makes the invoice of one period of a
/// recurring plan that invoices, then the period's first payment request naming it, so that the
/// approved charge is posted as the payment on it (`PaymentInvoicePostingHandler`). Once:
/// - Zoho Books has no idempotency key: the invoice carries the plan and period as its
///   `reference_number`, and Books is searched for it before anything is made; one found (an
///   earlier attempt's, whose answer was lost) is used, and marked sent if it is still a draft;
/// - Sage Pro: the agent's `invoice.create` under the plan and period's own external id, which
///   the agent's crosswalk applies once however often it is sent;
/// - the payment request is made once per plan, period and attempt (a unique index).
public struct RecurringInvoiceHandler: JobHandler {
    public init() {}

    public func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let (planId, period, at) = RecurringPlanStore.invoiceJob(job.payload) else {
            throw PermanentJobFailure("a recurring invoice names its plan, period and day")
        }
        let tenantId = job.tenantId
        let vault = context.vault
        if let failed = RecurringPlanStore.failedInvoice(job.payload) {
            return try markFailed(failed, tenantId: tenantId, environment: job.environment, context)
        }
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> (RecurringPlan, Connection?, [String: String])? in
            guard let plan = try RecurringPlanStore.get(tx, tenantId: tenantId, environment: job.environment, id: planId), let invoicing = plan.invoicing,
                try !RecurringPlanStore.periodCharged(tx, tenantId: tenantId, planId: planId, period: period)
            else { return nil }
            guard let ledger = try ConnectionStore.get(tx, tenantId: tenantId, environment: plan.environment, id: invoicing.connectionId) else {
                return (plan, nil, [:])
            }
            return (plan, ledger, try ConnectionStore.secrets(tx, vault: vault, connection: ledger))
        }
        guard let (plan, ledger, secrets) = loaded, let invoicing = plan.invoicing else { return .none }
        guard let ledger else { throw PermanentJobFailure("the connection that makes this plan's invoices was removed") }
        let day = Self.day(at, timeZone: plan.terms.timeZone)
        let invoiceId =
            ledger.kind == .sageProAgent
            ? try proInvoice(plan, invoicing, period: period, day: day, ledger, context)
            : try booksInvoice(plan, invoicing, period: period, day: day, try ZohoClients.forConnection(ledger, secrets: secrets).books)
        let link = PaymentRequest.InvoiceLink(
            connectionId: ledger.id, invoiceId: invoiceId, customer: ledger.kind == .sageProAgent ? invoicing.customer : nil)
        let maxAttempts = job.maxAttempts
        return JobEffects(summary: ["request": "invoice period \(period + 1) of plan \(plan.id.lowercasedText)", "response": invoiceId]) { tx in
            _ = try RecurringPlanStore.charge(tx, tenantId: tenantId, plan, period: period, attempt: 1, at: at, maxAttempts: maxAttempts, invoice: link)
        }
    }

    /// A period whose charges were all declined: its Books invoice gets a comment saying so (a
    /// retried job may comment twice, never not at all); Pro has no place for a mark, and the
    /// event and the alert tell it.
    private func markFailed(
        _ failed: (connectionId: UUID, invoiceId: String, attempts: Int), tenantId: UUID, environment: EnvironmentName, _ context: JobContext
    ) throws -> JobEffects {
        let vault = context.vault
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> (Connection, [String: String])? in
            guard let ledger = try ConnectionStore.get(tx, tenantId: tenantId, environment: environment, id: failed.connectionId), ledger.kind == .zoho else {
                return nil
            }
            return (ledger, try ConnectionStore.secrets(tx, vault: vault, connection: ledger))
        }
        guard let (ledger, secrets) = loaded else { return .none }
        _ = try ZohoClients.forConnection(ledger, secrets: secrets).books.call(
            "POST", "invoices/\(failed.invoiceId)/comments",
            body: [
                "description":
                    "Clearline: payment failed. The card on file was declined \(failed.attempts) times; this recurring period is no longer charged automatically."
            ])
        return JobEffects(summary: ["request": "mark invoice \(failed.invoiceId) failed", "response": "commented"]) { _ in }
    }

    /// What a period's invoice carries as its reference: the plan and the period (1 the first).
    static func reference(_ plan: RecurringPlan, period: Int) -> String {
        "RP-\(plan.id.lowercasedText.replacingOccurrences(of: "-", with: ""))-\(period + 1)"
    }

    private func booksInvoice(_ plan: RecurringPlan, _ invoicing: RecurringPlan.Invoicing, period: Int, day: String, _ books: ZohoBooksClient) throws
        -> String
    {
        let reference = Self.reference(plan, period: period)
        if let earlier = try books.invoices(referenceNumber: reference).first(where: {
            $0["reference_number"] as? String == reference && $0["customer_id"] as? String == invoicing.customer
        }), let id = earlier["invoice_id"] as? String {
            if earlier["status"] as? String == "draft" { try books.markInvoiceSent(id) }
            return id
        }
        let created = try books.createInvoice([
            "customer_id": invoicing.customer, "date": day, "due_date": day, "reference_number": reference,
            "line_items": [
                [
                    "name": String((plan.terms.description ?? "Recurring plan").prefix(100)), "description": "Period \(period + 1)",
                    "rate": "\(plan.terms.amount)", "quantity": 1,
                ]
            ],
        ])
        guard let id = created["invoice_id"] as? String else { throw ConnectorError(.retryable, "Zoho Books did not say which invoice it made.") }
        // Books creates invoices as drafts, and records no payment against a draft.
        try books.markInvoiceSent(id)
        return id
    }

    private func proInvoice(
        _ plan: RecurringPlan, _ invoicing: RecurringPlan.Invoicing, period: Int, day: String, _ sage: Connection, _ context: JobContext
    ) throws -> String {
        let answer = try SageAgentCommands(database: context.database, connection: sage).send(
            .createInvoice, externalId: "recurring_plan:\(plan.id.lowercasedText):\(period):invoice",
            payload: .object([
                "custno": .string(invoicing.customer), "duedate": .string(day),
                "ornum": .string("RP\(period + 1)-\(plan.id.lowercasedText.prefix(8))"),
                "lines": .array([
                    .object([
                        "item": .string("RECURRING"), "descrip": .string(String("\(plan.terms.description ?? "Recurring plan") #\(period + 1)".prefix(40))),
                        "qty": .string("1"), "price": .string("\(plan.terms.amount)"),
                    ])
                ]),
            ]))
        guard let invno = answer["invno"]?.string else { throw PermanentJobFailure("Sage Pro's answer to invoice.create had no invno") }
        return invno
    }

    /// The period's day in the plan's time zone (yyyy-MM-dd).
    static func day(_ at: Date, timeZone: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: at)
    }
}
