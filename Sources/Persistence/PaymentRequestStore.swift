public import Foundation
public import Domain

/// Payment requests and their attempts. An attempt is recorded (and committed) before PayTrace
/// is called, with the moment until which it may still be under way there: while that has not
/// passed, no other attempt starts and nothing is searched.
public enum PaymentRequestStore {
    static let columns = """
        id, environment, connection_id, customer_id, amount::text AS amount, currency, description, external_reference, reference, status,
        attempts, attempt_settles_at, transaction_id, approval_code, response_code, status_message, last_error, created_at, updated_at, decided_at,
        capture, captured_at, invoice_connection_id, invoice_id, invoice_payment_id, invoice_posted_at, collection_attempt, collected_at, plan_id, plan_period,
        invoice_customer
        """

    /// A new request and the job that charges it, in the caller's transaction.
    /// Nil when the request exists already: for `invoice`, one that is not over (declined or
    /// failed); for `plan`, the same period's same attempt; for `flowKey`, the flow step's.
    public static func create(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, connectionId: UUID, _ draft: PaymentRequestDraft, maxAttempts: Int,
        invoice: PaymentRequest.InvoiceLink? = nil, collectionAttempt: Int? = nil, collectedAt: Date? = nil, plan: (id: UUID, period: Int)? = nil,
        flowKey: String? = nil
    ) throws -> PaymentRequest? {
        let reference = PaymentRequest.newReference()
        let row = try tx.one(
            """
            INSERT INTO payment_requests (tenant_id, environment, connection_id, customer_id, amount, currency, description, external_reference, reference, capture,
              invoice_connection_id, invoice_id, collection_attempt, collected_at, plan_id, plan_period, flow_key, invoice_customer)
            VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
            ON CONFLICT DO NOTHING
            RETURNING \(columns)
            """,
            [
                tenantId, environment.rawValue, connectionId, draft.customerId, "\(draft.amount)", draft.currency, draft.description,
                draft.externalReference, reference, draft.capture, invoice?.connectionId, invoice?.invoiceId, collectionAttempt, collectedAt, plan?.id,
                plan?.period, flowKey, invoice?.customer,
            ])
        guard let row else { return nil }
        let request = try decode(row)
        let jobs = try JobQueue.enqueue(
            tx,
            [
                NewJob(
                    tenantId: tenantId, environment: environment, kind: .paymentCharge,
                    payload: jobPayload(request.id), maxAttempts: maxAttempts)
            ], skippingConflicts: false)
        _ = try tx.query("UPDATE payment_requests SET job_id = $2 WHERE id = $1", [request.id, jobs.first])
        return request
    }

    /// What a charge or capture job carries (`{"payment_request_id"}`), and the id read back from it.
    static func jobPayload(_ id: UUID) -> String {
        JSONValue.object(["payment_request_id": .string(id.lowercasedText)]).canonicalText
    }

    public static func requestId(ofJob payload: String) -> UUID? {
        JSONValue(parsing: payload)?.object?["payment_request_id"]?.string.flatMap { UUID(text: $0) }
    }

    public static func get(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName?, id: UUID) throws -> PaymentRequest? {
        try tx.one(
            "SELECT \(columns) FROM payment_requests WHERE tenant_id = $1 AND ($2::text IS NULL OR environment = $2) AND id = $3",
            [tenantId, environment?.rawValue, id]
        ).map(decode)
    }

    /// Newest first; `status` and `search` (customer, reference or the caller's reference) narrow it.
    public static func list(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, status: PaymentRequest.Status?, search: String?, after cursor: PageCursor?,
        limit: Int
    ) throws -> Page<PaymentRequest> {
        try Paging.fetch(
            tx,
            """
            SELECT \(columns) FROM payment_requests WHERE tenant_id = $1 AND environment = $2 AND ($3::text IS NULL OR status = $3)
              AND ($4::text IS NULL OR customer_id ILIKE $4 OR reference ILIKE $4 OR external_reference ILIKE $4)
            """,
            [tenantId, environment.rawValue, status?.rawValue, SearchPattern.containing(search)], after: cursor, limit: limit, descending: true,
            decode: decode
        ) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// The request a flow step made, by the step's key.
    public static func id(ofFlowKey key: String, _ tx: Transaction, tenantId: UUID) throws -> UUID? {
        try tx.one("SELECT id FROM payment_requests WHERE tenant_id = $1 AND flow_key = $2", [tenantId, key])?.uuid("id")
    }

    /// A recurring plan's requests (its periods' attempts), newest first.
    public static func ofPlan(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, planId: UUID, limit: Int) throws -> [PaymentRequest] {
        try tx.query(
            """
            SELECT \(columns) FROM payment_requests WHERE tenant_id = $1 AND environment = $2 AND plan_id = $3
            ORDER BY plan_period DESC, collection_attempt DESC LIMIT $4
            """, [tenantId, environment.rawValue, planId, limit]
        ).map(decode)
    }

    /// Records that an attempt starts now and may be under way at PayTrace until `settlesAt`;
    /// nil when the request is decided or another attempt has not settled yet (this one must not start).
    public static func beginAttempt(_ tx: Transaction, tenantId: UUID, id: UUID, settlesAt: Date) throws -> PaymentRequest? {
        try tx.one(
            """
            UPDATE payment_requests SET status = 'charging', attempts = attempts + 1, attempt_settles_at = $3, updated_at = now()
            WHERE tenant_id = $1 AND id = $2 AND status IN ('pending', 'charging') AND (attempt_settles_at IS NULL OR attempt_settles_at <= now())
            RETURNING \(columns)
            """, [tenantId, id, settlesAt]
        ).map(decode)
    }

    /// The outcome PayTrace gave (or the transaction found for the reference): final.
    public static func decide(
        _ tx: Transaction, tenantId: UUID, id: UUID, status: PaymentRequest.Status, transactionId: Int?, approvalCode: String?, responseCode: Int?,
        message: String?, error: String?
    ) throws {
        _ = try tx.query(
            """
            UPDATE payment_requests SET status = $3, transaction_id = $4, approval_code = $5, response_code = $6, status_message = $7, last_error = $8,
              attempt_settles_at = NULL, decided_at = now(), updated_at = now()
            WHERE tenant_id = $1 AND id = $2 AND status IN ('pending', 'charging')
            """, [tenantId, id, status.rawValue, transactionId, approvalCode, responseCode, message, error])
    }

    /// An authorized request's capture begins, with its job; nil when the request is not authorized.
    public static func beginCapture(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID, maxAttempts: Int) throws -> PaymentRequest? {
        guard
            let row = try tx.one(
                """
                UPDATE payment_requests SET status = 'capturing', last_error = NULL, updated_at = now()
                WHERE tenant_id = $1 AND environment = $2 AND id = $3 AND status = 'authorized' RETURNING \(columns)
                """, [tenantId, environment.rawValue, id])
        else { return nil }
        _ = try JobQueue.enqueue(
            tx,
            [
                NewJob(
                    tenantId: tenantId, environment: environment, kind: .paymentCapture,
                    payload: jobPayload(id), maxAttempts: maxAttempts)
            ])
        return try decode(row)
    }

    /// The capture's outcome: captured (approved), or back to authorized with why it was not.
    public static func finishCapture(_ tx: Transaction, tenantId: UUID, id: UUID, captured: Bool, message: String?) throws {
        _ = try tx.query(
            """
            UPDATE payment_requests SET status = CASE WHEN $3 THEN 'approved' ELSE 'authorized' END,
              captured_at = CASE WHEN $3 THEN now() END, status_message = CASE WHEN $3 THEN $4 ELSE status_message END,
              last_error = CASE WHEN $3 THEN NULL ELSE $4 END, updated_at = now()
            WHERE tenant_id = $1 AND id = $2 AND status = 'capturing'
            """, [tenantId, id, captured, message])
    }

    /// Why the last attempt left the outcome unknown (a timeout, a lost answer), for the person looking.
    public static func noteUncertain(_ tx: Transaction, tenantId: UUID, id: UUID, error: String) throws {
        _ = try tx.query(
            "UPDATE payment_requests SET last_error = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status IN ('charging', 'capturing')",
            [tenantId, id, error])
    }

    static func decode(_ row: Row) throws -> PaymentRequest {
        let draft = PaymentRequestDraft(
            customerId: try row.string("customer_id"), amount: try row.decimal("amount"), currency: try row.string("currency"),
            description: row.optionalString("description"), externalReference: row.optionalString("external_reference"), capture: try row.bool("capture"))
        return PaymentRequest(
            id: try row.uuid("id"), environment: try row.value("environment"), connectionId: try row.uuid("connection_id"), draft: draft,
            reference: try row.string("reference"), status: try row.value("status"), attempts: try row.int("attempts"),
            attemptSettlesAt: try row.optionalDate("attempt_settles_at"), transactionId: row.optionalString("transaction_id").flatMap { Int($0) },
            approvalCode: row.optionalString("approval_code"), responseCode: row.optionalString("response_code").flatMap { Int($0) },
            statusMessage: row.optionalString("status_message"), lastError: row.optionalString("last_error"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"), decidedAt: try row.optionalDate("decided_at"), capturedAt: try row.optionalDate("captured_at"),
            invoice: try row.optionalUUID("invoice_connection_id").map {
                PaymentRequest.InvoiceLink(
                    connectionId: $0, invoiceId: try row.string("invoice_id"), customer: row.optionalString("invoice_customer"),
                    paymentId: row.optionalString("invoice_payment_id"),
                    postedAt: try row.optionalDate("invoice_posted_at"), attempt: row.optionalString("collection_attempt").flatMap { Int($0) },
                    collectedAt: try row.optionalDate("collected_at"))
            },
            plan: try row.optionalUUID("plan_id").map {
                PaymentRequest.PlanLink(
                    planId: $0, period: Int(row.optionalString("plan_period") ?? "") ?? 0, attempt: Int(row.optionalString("collection_attempt") ?? "") ?? 1)
            })
    }

    /// The attempts collections made at each of `invoiceIds` (of the ledger connection), by invoice.
    public static func collectionAttempts(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, invoiceConnectionId: UUID, invoiceIds: [String]
    ) throws -> [String: [InvoiceDunning.Attempt]] {
        var found: [String: [InvoiceDunning.Attempt]] = [:]
        for row in try tx.query(
            """
            SELECT invoice_id, coalesce(collection_attempt, 1) AS attempt, coalesce(collected_at, created_at) AS collected_at,
              status NOT IN ('declined', 'failed') AS live
            FROM payment_requests WHERE tenant_id = $1 AND environment = $2 AND invoice_connection_id = $3 AND invoice_id = ANY($4::text[])
            """, [tenantId, environment.rawValue, invoiceConnectionId, SQLArray(invoiceIds)])
        {
            found[try row.string("invoice_id"), default: []].append(
                InvoiceDunning.Attempt(number: try row.int("attempt"), collectedAt: try row.date("collected_at"), live: try row.bool("live")))
        }
        return found
    }

    /// How many of the requests a scan made (its connection and time) are not settled yet: still
    /// to be charged, or approved and not yet posted on their invoice.
    public static func unsettledCollections(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, invoiceConnectionId: UUID, at: Date) throws -> Int
    {
        try tx.one(
            """
            SELECT count(*) AS n FROM payment_requests
            WHERE tenant_id = $1 AND environment = $2 AND invoice_connection_id = $3 AND collected_at = $4
              AND (status IN ('pending', 'charging', 'authorized', 'capturing') OR (status = 'approved' AND invoice_payment_id IS NULL))
            """, [tenantId, environment.rawValue, invoiceConnectionId, at])?.int("n") ?? 0
    }

    /// Records the Books payment posted on the request's invoice; false when one was recorded already.
    public static func notePosted(_ tx: Transaction, tenantId: UUID, id: UUID, paymentId: String) throws -> Bool {
        !(try tx.query(
            """
            UPDATE payment_requests SET invoice_payment_id = $3, invoice_posted_at = now(), updated_at = now()
            WHERE tenant_id = $1 AND id = $2 AND invoice_payment_id IS NULL RETURNING id
            """, [tenantId, id, paymentId])).isEmpty
    }

    /// The job that posts an approved charge's payment on its invoice, in the decision's transaction.
    public static func enqueuePosting(_ tx: Transaction, tenantId: UUID, environment: EnvironmentName, id: UUID, maxAttempts: Int = 10) throws {
        _ = try JobQueue.enqueue(
            tx, [NewJob(tenantId: tenantId, environment: environment, kind: .paymentInvoicePosting, payload: jobPayload(id), maxAttempts: maxAttempts)])
    }
}
