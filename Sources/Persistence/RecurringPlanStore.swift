public import Foundation
public import Domain

/// Recurring plans, and the charging of their due periods. A due plan is locked (SKIP LOCKED:
/// another process takes the next) while its period's payment request is made and its next
/// period set, in one transaction, so each period is charged once however many processes look.
/// Periods missed while no process ran are each charged (each is owed), one request apiece.
public enum RecurringPlanStore {
    static let columns = """
        id, environment, connection_id, customer_id, amount::text AS amount, currency, description, external_reference, interval_unit,
        interval_count, starts_on::text AS starts_on, ends_on::text AS ends_on, time_zone, array_to_string(retry_days, ',') AS retry_days, status,
        next_period, next_charge_at, created_at, updated_at, invoice_connection_id, invoice_customer
        """

    public static func create(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID, _ terms: RecurringPlanTerms,
        invoicing: RecurringPlan.Invoicing? = nil, now: Date
    ) throws -> RecurringPlan {
        // Periods whose day passed before the plan was made are not charged; today's is.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: terms.timeZone) ?? TimeZone(identifier: "UTC")!
        let first = terms.nextPeriod(from: 0, notBefore: calendar.startOfDay(for: now))
        guard
            let row = try tx.one(
                """
                INSERT INTO recurring_plans (tenant_id, environment, connection_id, customer_id, amount, currency, description, external_reference,
                  interval_unit, interval_count, starts_on, ends_on, time_zone, retry_days, status, next_period, next_charge_at,
                  invoice_connection_id, invoice_customer)
                VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8, $9, $10, $11::date, $12::date, $13, string_to_array($14, ',')::integer[], $15, $16, $17,
                  $18, $19)
                RETURNING \(columns)
                """,
                [
                    tenantId, environment.rawValue, connectionId, terms.customerId, "\(terms.amount)", terms.currency, terms.description,
                    terms.externalReference, terms.unit.rawValue, terms.every, terms.startsOn, terms.endsOn, terms.timeZone,
                    terms.retryDays.map(String.init).joined(separator: ","), first == nil ? "ended" : "active", first?.index ?? 0, first?.at,
                    invoicing?.connectionId, invoicing?.customer,
                ])
        else { throw PostgresError(kind: .decoding, message: "the new plan was not returned") }
        return try decode(row)
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> RecurringPlan? {
        try tx.one("SELECT \(columns) FROM recurring_plans WHERE tenant_id = $1 AND environment = $2 AND id = $3", [tenantId, environment.rawValue, id])
            .map(decode)
    }

    /// Newest first; `status` and `search` (customer or the caller's reference) narrow it.
    public static func list(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, status: RecurringPlan.Status?, search: String?, after cursor: PageCursor?,
        limit: Int
    ) throws -> Page<RecurringPlan> {
        try Paging.fetch(
            tx,
            """
            SELECT \(columns) FROM recurring_plans WHERE tenant_id = $1 AND environment = $2 AND ($3::text IS NULL OR status = $3)
              AND ($4::text IS NULL OR customer_id ILIKE $4 OR external_reference ILIKE $4)
            """,
            [tenantId, environment.rawValue, status?.rawValue, SearchPattern.containing(search)], after: cursor, limit: limit, descending: true,
            decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// Pause, resume or cancel. Resuming charges from the first period at or after `now` (the
    /// paused ones are not made up). Nil when the change does not apply to the plan's state.
    public static func change(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID, to status: RecurringPlan.Status, now: Date
    ) throws -> RecurringPlan? {
        guard
            let plan = try tx.one(
                "SELECT \(columns) FROM recurring_plans WHERE tenant_id = $1 AND environment = $2 AND id = $3 FOR UPDATE", [tenantId, environment.rawValue, id]
            ).map(decode)
        else { return nil }
        let allowed: Set<RecurringPlan.Status> =
            switch status {
            case .paused: [.active, .pastDue]
            case .active: [.paused, .pastDue]
            case .cancelled: [.active, .pastDue, .paused]
            default: []
            }
        guard allowed.contains(plan.status) else { return nil }
        var (period, chargeAt) = (plan.nextPeriod, plan.nextChargeAt)
        var newStatus = status
        if status == .cancelled { chargeAt = nil }
        if status == .active, plan.status == .paused {
            let resumed = plan.terms.nextPeriod(from: plan.nextPeriod, notBefore: now)
            (period, chargeAt) = (resumed?.index ?? plan.nextPeriod, resumed?.at)
            if resumed == nil { newStatus = .ended }
        }
        return try tx.one(
            """
            UPDATE recurring_plans SET status = $4, next_period = $5, next_charge_at = $6, updated_at = now()
            WHERE tenant_id = $1 AND environment = $2 AND id = $3 RETURNING \(columns)
            """, [tenantId, environment.rawValue, id, newStatus.rawValue, period, chargeAt]
        ).map(decode)
    }

    /// Charges every period due at `now` of the plans in `tenants` (up to `limit` plans a round):
    /// one payment request per period, with its job. Returns the requests made.
    public static func chargeDue(_ tx: Transaction, tenants: TenantScope, now: Date, limit: Int = 100, maxAttempts: Int = 12) throws -> Int {
        let due = try tx.query(
            """
            WITH due AS (
              SELECT p.id FROM recurring_plans p JOIN tenants t ON t.id = p.tenant_id AND t.deleted_at IS NULL AND t.status = 'active'
              WHERE p.status IN ('active', 'past_due') AND p.next_charge_at <= $1 AND ($2::uuid[] IS NULL OR p.tenant_id = ANY($2))
              ORDER BY p.next_charge_at LIMIT $3 FOR UPDATE OF p SKIP LOCKED)
            SELECT tenant_id, \(columns) FROM recurring_plans WHERE id IN (SELECT id FROM due)
            """, [now, tenants.sqlArray, limit])
        var made = 0
        for row in due {
            let tenantId = try row.uuid("tenant_id")
            let plan = try decode(row)
            var period = plan.nextPeriod
            var at = plan.nextChargeAt
            while let chargeAt = at, chargeAt <= now {
                if plan.invoicing != nil {
                    try queueInvoice(tx, tenantId: tenantId, plan, period: period, at: chargeAt, maxAttempts: maxAttempts)
                    made += 1
                } else if try charge(tx, tenantId: tenantId, plan, period: period, attempt: 1, at: chargeAt, maxAttempts: maxAttempts) {
                    made += 1
                }
                period += 1
                at = plan.terms.chargeTime(ofPeriod: period)
            }
            _ = try tx.query(
                """
                UPDATE recurring_plans SET next_period = $3, next_charge_at = $4, status = CASE WHEN $4::timestamptz IS NULL THEN 'ended' ELSE status END,
                  updated_at = now()
                WHERE tenant_id = $1 AND id = $2
                """, [tenantId, plan.id, period, at])
        }
        return made
    }

    /// Charges again the periods whose last attempt was declined (or refused) once their next
    /// retry day has come, and reports the periods whose retries are spent: an event
    /// (`recurring_plan.payment_failed`, for flows that tell the shop or the CRM), an alert, and the
    /// plan past due. Each plan is locked while its periods are judged, so two processes do not
    /// both retry one. Returns the requests made.
    public static func retryDeclined(_ tx: Transaction, tenants: TenantScope, now: Date, maxAttempts: Int = 12) throws -> Int {
        let candidates = try tx.query(
            """
            SELECT tenant_id, plan_id, plan_period FROM (
              SELECT DISTINCT ON (r.plan_id, r.plan_period) r.tenant_id, r.plan_id, r.plan_period, r.status
              FROM payment_requests r JOIN recurring_plans p ON p.id = r.plan_id AND p.status IN ('active', 'past_due')
              WHERE r.plan_id IS NOT NULL AND ($2::uuid[] IS NULL OR r.tenant_id = ANY($2)) AND r.created_at > $1::timestamptz - interval '400 days'
              ORDER BY r.plan_id, r.plan_period, r.collection_attempt DESC
            ) latest
            WHERE status IN ('declined', 'failed') AND NOT EXISTS (
              SELECT 1 FROM events e WHERE e.tenant_id = latest.tenant_id AND e.source = 'recurring_plan'
                AND e.vendor_event_id = 'recurring_plan:' || latest.plan_id || ':' || latest.plan_period || ':failed')
            LIMIT 200
            """, [now, tenants.sqlArray])
        var made = 0
        for candidate in candidates {
            let (tenantId, planId, period) = (try candidate.uuid("tenant_id"), try candidate.uuid("plan_id"), try candidate.int("plan_period"))
            guard
                let plan = try tx.one(
                    "SELECT \(columns) FROM recurring_plans WHERE tenant_id = $1 AND id = $2 AND status IN ('active', 'past_due') FOR UPDATE SKIP LOCKED",
                    [tenantId, planId]
                ).map(decode)
            else { continue }
            let attempts = try tx.query(
                """
                SELECT collection_attempt, collected_at, status NOT IN ('declined', 'failed') AS live, invoice_connection_id, invoice_id, invoice_customer
                FROM payment_requests WHERE tenant_id = $1 AND plan_id = $2 AND plan_period = $3 ORDER BY collection_attempt
                """, [tenantId, planId, period])
            let dunning = try attempts.map {
                InvoiceDunning.Attempt(number: try $0.int("collection_attempt"), collectedAt: try $0.date("collected_at"), live: try $0.bool("live"))
            }
            // Each retry pays the same invoice as the period's first attempt, if it named one.
            let invoice = try attempts.first.flatMap { first -> PaymentRequest.InvoiceLink? in
                guard let connectionId = try first.optionalUUID("invoice_connection_id"), let invoiceId = first.optionalString("invoice_id") else {
                    return nil
                }
                return PaymentRequest.InvoiceLink(connectionId: connectionId, invoiceId: invoiceId, customer: first.optionalString("invoice_customer"))
            }
            switch InvoiceDunning.decide(dunning, retryDays: plan.terms.retryDays, at: now) {
            case .leave: continue
            case .charge(let attempt):
                if try charge(tx, tenantId: tenantId, plan, period: period, attempt: attempt, at: now, maxAttempts: maxAttempts, invoice: invoice) {
                    made += 1
                }
            case .exhausted(let count):
                try reportFailure(tx, tenantId: tenantId, plan, period: period, attempts: count, invoice: invoice, maxAttempts: maxAttempts)
            }
        }
        return made
    }

    /// `invoice`: the period's own invoice, if the plan made one: it is named in the event, and a
    /// `recurring.invoice` job marks it in Books (Pro has no place for a mark).
    static func reportFailure(
        _ tx: Transaction, tenantId: UUID, _ plan: RecurringPlan, period: Int, attempts: Int, invoice: PaymentRequest.InvoiceLink? = nil,
        maxAttempts: Int = 12
    ) throws {
        let amount = Money(amount: plan.terms.amount, currency: plan.terms.currency)?.formatted ?? "\(plan.terms.amount)"
        var fields: [String: JSONValue] = [
            "id": .string(plan.id.lowercasedText), "customer_id": .string(plan.terms.customerId), "amount": .string(amount),
            "currency": .string(plan.terms.currency), "period": .number(Double(period + 1)), "attempts": .number(Double(attempts)),
            "status": .string("payment_failed"),
        ]
        if let reference = plan.terms.externalReference { fields["external_reference"] = .string(reference) }
        if let invoice { fields["invoice_id"] = .string(invoice.invoiceId) }
        _ = try EventStore.record(
            tx,
            NewEvent(
                tenantId: tenantId, environment: plan.environment, source: "recurring_plan",
                vendorEventId: "recurring_plan:\(plan.id.lowercasedText):\(period):failed", type: "recurring_plan.payment_failed", endpointId: nil,
                payload: JSONValue.object(["recurring_plan": .object(fields)]).canonicalText),
            firstJob: .eventDispatch)
        _ = try AlertStore.raise(
            tx, tenantId: tenantId, environment: plan.environment, kind: .recurringPlan, subject: "recurring_plan:\(plan.id.lowercasedText):\(period)",
            message: "Period \(period + 1) of the recurring plan for PayTrace customer \(plan.terms.customerId) (\(amount) \(plan.terms.currency)) "
                + "was declined \(attempts) times; the plan is past due. Ask the customer for another card.")
        _ = try tx.query(
            "UPDATE recurring_plans SET status = 'past_due', updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'active'",
            [tenantId, plan.id])
        if let invoice {
            let payload = JSONValue.object([
                "plan_id": .string(plan.id.lowercasedText), "period": .number(Double(period)), "at": .string(Timestamp.format(Date())),
                "failed": .object([
                    "connection_id": .string(invoice.connectionId.lowercasedText), "invoice_id": .string(invoice.invoiceId),
                    "attempts": .number(Double(attempts)),
                ]),
            ])
            _ = try JobQueue.enqueue(
                tx,
                [NewJob(tenantId: tenantId, environment: plan.environment, kind: .recurringInvoice, payload: payload.canonicalText, maxAttempts: maxAttempts)])
        }
    }

    /// A `recurring.invoice` job that marks a period's invoice as failed: its connection, invoice
    /// and the attempts made.
    public static func failedInvoice(_ payload: String) -> (connectionId: UUID, invoiceId: String, attempts: Int)? {
        guard let failed = JSONValue(parsing: payload)?.object?["failed"]?.object,
            let connectionId = failed["connection_id"]?.string.flatMap({ UUID(text: $0) }), let invoiceId = failed["invoice_id"]?.string,
            case .number(let attempts)? = failed["attempts"]
        else { return nil }
        return (connectionId, invoiceId, Int(attempts))
    }

    /// One attempt at one period: a payment request (its reference the plan's, its description
    /// naming the period), once per plan, period and attempt whatever retries.
    public static func charge(
        _ tx: Transaction, tenantId: UUID, _ plan: RecurringPlan, period: Int, attempt: Int, at: Date, maxAttempts: Int,
        invoice: PaymentRequest.InvoiceLink? = nil
    ) throws -> Bool {
        let terms = plan.terms
        let draft = PaymentRequestDraft(
            customerId: terms.customerId, amount: terms.amount, currency: terms.currency,
            description: String((terms.description ?? "Recurring plan").prefix(200)) + " (period \(period + 1))", externalReference: terms.externalReference)
        return try PaymentRequestStore.create(
            tx, tenantId: tenantId, environment: plan.environment, connectionId: plan.connectionId, draft, maxAttempts: maxAttempts, invoice: invoice,
            collectionAttempt: attempt, collectedAt: at, plan: (plan.id, period)) != nil
    }

    /// A period of a plan that makes its invoices: a `recurring.invoice` job makes the invoice,
    /// then the period's first payment request, naming it (`{"plan_id", "period", "at"}`).
    static func queueInvoice(_ tx: Transaction, tenantId: UUID, _ plan: RecurringPlan, period: Int, at: Date, maxAttempts: Int) throws {
        let payload = JSONValue.object([
            "plan_id": .string(plan.id.lowercasedText), "period": .number(Double(period)), "at": .string(Timestamp.format(at)),
        ])
        _ = try JobQueue.enqueue(
            tx, [NewJob(tenantId: tenantId, environment: plan.environment, kind: .recurringInvoice, payload: payload.canonicalText, maxAttempts: maxAttempts)])
    }

    /// Whether the period's first payment request is made already.
    public static func periodCharged(_ tx: Transaction, tenantId: UUID, planId: UUID, period: Int) throws -> Bool {
        try tx.one(
            "SELECT 1 AS made FROM payment_requests WHERE tenant_id = $1 AND plan_id = $2 AND plan_period = $3 AND collection_attempt = 1",
            [tenantId, planId, period]) != nil
    }

    /// What a `recurring.invoice` job names: the plan, the period (0 the first) and its day.
    public static func invoiceJob(_ payload: String) -> (planId: UUID, period: Int, at: Date)? {
        guard let object = JSONValue(parsing: payload)?.object, let planId = object["plan_id"]?.string.flatMap({ UUID(text: $0) }),
            case .number(let period)? = object["period"], let at = object["at"]?.string.flatMap({ Timestamp.parse($0) })
        else { return nil }
        return (planId, Int(period), at)
    }

    static func decode(_ row: Row) throws -> RecurringPlan {
        let terms = RecurringPlanTerms(
            customerId: try row.string("customer_id"), amount: try row.decimal("amount"), currency: try row.string("currency"),
            description: row.optionalString("description"), externalReference: row.optionalString("external_reference"),
            unit: try row.value("interval_unit"), every: try row.int("interval_count"), startsOn: try row.string("starts_on"),
            endsOn: row.optionalString("ends_on"), timeZone: try row.string("time_zone"),
            retryDays: (row.optionalString("retry_days") ?? "").split(separator: ",").compactMap { Int($0) })
        let invoicing = try row.optionalUUID("invoice_connection_id").flatMap { connectionId in
            row.optionalString("invoice_customer").map { RecurringPlan.Invoicing(connectionId: connectionId, customer: $0) }
        }
        return RecurringPlan(
            id: try row.uuid("id"), environment: try row.value("environment"), connectionId: try row.uuid("connection_id"), terms: terms, invoicing: invoicing,
            status: try row.value("status"), nextPeriod: try row.int("next_period"), nextChargeAt: try row.optionalDate("next_charge_at"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
