public import Foundation
import Connectors
public import Domain
import Persistence

/// `invoices.collect_due` (a `DueInvoiceScan`): reads one page of the Zoho Books invoices still
/// owed and due by the scan's day, and makes each a payment request of its customer's PayTrace
/// vault profile (the Books contact's `cf_paytrace_customer_id`), which the charge then pays
/// exactly once and posts back on the invoice. The page's requests are committed with the job of
/// the next page: a crash resumes at the page it stopped on, and an invoice that already has a
/// live request (from this scan or an earlier one) gets no second.
///
/// Books' `status=unpaid` lists what is owed; paying an invoice takes it off the list, so a later
/// page may start past invoices that moved up: a pass that made requests is followed by another
/// once they have settled (`DueInvoiceScan`). A declined invoice is charged again on the
/// collection's retry days (`InvoiceDunning`), then commented in Books and reported.
public struct DueInvoiceCollectionHandler: JobHandler {
    /// Books' largest page; tests set a smaller one to see a scan cross pages.
    let perPage: Int
    /// How long a later pass waits, each time, for the scan's charges to settle.
    let settleWait: TimeInterval

    public init(perPage: Int = 200, settleWait: TimeInterval = 10) {
        self.perPage = perPage
        self.settleWait = settleWait
    }

    public func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let scan = JSONValue(parsing: job.payload).flatMap({ DueInvoiceScan(json: $0) }) else {
            throw PermanentJobFailure("a due-invoice scan names its connections, its time, its day and its page")
        }
        let (tenantId, environment, collection) = (job.tenantId, job.environment, scan.collection)
        let ledger = try Self.ledger(collection, tenantId: tenantId, environment: environment, context)
        let connection = ledger.connection
        if scan.page == 1, scan.pass > 1, scan.waits < DueInvoiceScan.maxWaits {
            let unsettled = try context.database.transaction(.tenant(tenantId)) {
                try PaymentRequestStore.unsettledCollections($0, tenantId: tenantId, environment: environment, invoiceConnectionId: connection.id, at: scan.at)
            }
            if unsettled > 0 { return waiting(scan, tenantId, environment, unsettled: unsettled) }
        }
        let (invoices, more) = try ledger.dueInvoices(scan, perPage: perPage)

        let (history, reported) = try context.database.transaction(.tenant(tenantId)) { tx in
            (
                try PaymentRequestStore.collectionAttempts(
                    tx, tenantId: tenantId, environment: environment, invoiceConnectionId: connection.id, invoiceIds: invoices.map(\.id)),
                try EventStore.existingVendorEventIds(
                    tx, tenantId: tenantId, environment: environment, source: Self.eventSource, invoices.map { Self.failureEventId(connection.id, $0) })
            )
        }
        var toCharge: [(PaymentRequestDraft, PaymentRequest.InvoiceLink, attempt: Int)] = []
        var unlinked: [DueInvoice] = []
        var givenUp: [(DueInvoice, attempts: Int)] = []
        for invoice in invoices {
            switch InvoiceDunning.decide(history[invoice.id] ?? [], retryDays: collection.retryDays, at: scan.at) {
            case .leave: continue
            case .exhausted(let attempts):
                if !reported.contains(Self.failureEventId(connection.id, invoice)) { givenUp.append((invoice, attempts)) }
            case .charge(let attempt):
                guard let customerId = try ledger.vaultId(invoice) else {
                    unlinked.append(invoice)
                    continue
                }
                let (draft, _) = PaymentRequestDraft.parse(
                    customerId: customerId, amount: "\(invoice.balance)", currency: "USD", description: "\(ledger.name) invoice \(invoice.number)",
                    externalReference: invoice.number)
                if let draft { toCharge.append((draft, ledger.link(invoice), attempt)) }
            }
        }
        for (invoice, attempts) in givenUp { try ledger.markGivenUp(invoice, attempts: attempts) }
        let (attempts, missing, charges, exhausted) = (job.maxAttempts, unlinked, toCharge, givenUp)
        let (advice, ledgerName, subjectPrefix) = (ledger.vaultIdAdvice, ledger.name, Self.subjectPrefix(ledger))
        let summary = "\(charges.count) to charge, \(exhausted.count) given up, \(unlinked.count) without a PayTrace profile"
        return JobEffects(summary: ["request": "due invoices by \(scan.dueBy), page \(scan.page) of pass \(scan.pass)", "response": summary]) { tx in
            var made = false
            for (draft, invoice, attempt) in charges {
                made =
                    try PaymentRequestStore.create(
                        tx, tenantId: tenantId, environment: environment, connectionId: collection.payTraceConnectionId, draft, maxAttempts: attempts,
                        invoice: invoice, collectionAttempt: attempt, collectedAt: scan.at) != nil || made
            }
            for invoice in missing {
                _ = try AlertStore.raise(
                    tx, tenantId: tenantId, environment: environment, kind: .invoiceCollection, subject: "\(subjectPrefix)_contact:\(invoice.customerId)",
                    message: "Invoice \(invoice.number) of \(invoice.customerName) is due, but the customer has no PayTrace customer id, "
                        + "so it cannot be charged. \(advice)")
            }
            for (invoice, attempts) in exhausted {
                try Self.reportFailure(
                    tx, tenantId: tenantId, environment: environment, ledger: ledgerName, subject: "\(subjectPrefix)_invoice:\(invoice.id)",
                    connectionId: connection.id, invoice, attempts: attempts)
            }
            if let next = scan.next(morePages: more, madeRequests: made) {
                // A new pass starts once this one's charges had time to settle.
                let runAt = next.pass > scan.pass ? Date().addingTimeInterval(settleWait) : nil
                _ = try JobQueue.enqueue(
                    tx, [NewJob(tenantId: tenantId, environment: environment, kind: .dueInvoiceCollection, payload: next.json.canonicalText, runAt: runAt)])
            }
        }
    }

    /// The start of a pass put off while `unsettled` of the scan's charges are under way: a job
    /// of its own later, not a retry (which would spend the job's attempts on waiting).
    private func waiting(_ scan: DueInvoiceScan, _ tenantId: UUID, _ environment: EnvironmentName, unsettled: Int) -> JobEffects {
        let later = scan.waitedOnce
        let runAt = Date().addingTimeInterval(settleWait)
        return JobEffects(summary: ["request": "pass \(scan.pass) of due invoices by \(scan.dueBy)", "response": "waits for \(unsettled) charges"]) { tx in
            _ = try JobQueue.enqueue(
                tx, [NewJob(tenantId: tenantId, environment: environment, kind: .dueInvoiceCollection, payload: later.json.canonicalText, runAt: runAt)])
        }
    }

    static let eventSource = "invoice_collection"

    /// The ledger a collection reads, from its connection (the PayTrace one must be there too).
    static func ledger(_ collection: DueInvoiceCollection, tenantId: UUID, environment: EnvironmentName, _ context: JobContext) throws
        -> any DueInvoiceLedger
    {
        let vault = context.vault
        let found = try context.database.transaction(.tenant(tenantId)) { tx -> (Connection, [String: String])? in
            guard let payTrace = try ConnectionStore.get(tx, tenantId: tenantId, environment: environment, id: collection.payTraceConnectionId),
                payTrace.kind == .paytrace,
                let ledger = try ConnectionStore.get(tx, tenantId: tenantId, environment: environment, id: collection.ledgerConnectionId),
                ledger.kind == (collection.ledger == .sagePro ? .sageProAgent : .zoho)
            else { return nil }
            return (ledger, try ConnectionStore.secrets(tx, vault: vault, connection: ledger))
        }
        guard let (connection, secrets) = found else {
            throw PermanentJobFailure(
                "the scan's \(collection.ledger == .sagePro ? "Sage Pro" : "Zoho") or PayTrace connection is no longer in this environment")
        }
        switch collection.ledger {
        case .zohoBooks: return BooksDueInvoices(connection: connection, books: try ZohoClients.forConnection(connection, secrets: secrets).books)
        case .sagePro:
            return ProDueInvoices(
                connection: connection, commands: SageAgentCommands(database: context.database, connection: connection),
                customerIdPrefix: collection.customerIdPrefix)
        }
    }

    /// Alert subjects name the ledger's own records: zoho_contact:, sage_invoice:.
    static func subjectPrefix(_ ledger: any DueInvoiceLedger) -> String { ledger.connection.kind == .zoho ? "zoho" : "sage" }

    static func failureEventId(_ connectionId: UUID, _ invoice: DueInvoice) -> String {
        "invoice_collection:\(connectionId.lowercasedText):\(invoice.id):failed"
    }

    /// The end of dunning: an event (`invoice_collection.failed`) that deployed flows take to tell
    /// the shop or the CRM, and an alert for a person. Both once, whatever retries.
    static func reportFailure(
        _ tx: Transaction, tenantId: UUID, environment: EnvironmentName, ledger: String, subject: String, connectionId: UUID, _ invoice: DueInvoice,
        attempts: Int
    ) throws {
        let fields: [String: JSONValue] = [
            "invoice_id": .string(invoice.id), "invoice_number": .string(invoice.number), "customer_id": .string(invoice.customerId),
            "customer_name": .string(invoice.customerName), "balance": .string("\(invoice.balance)"), "currency": .string("USD"),
            "attempts": .number(Double(attempts)), "status": .string("payment_failed"),
        ]
        _ = try EventStore.record(
            tx,
            NewEvent(
                tenantId: tenantId, environment: environment, source: eventSource, vendorEventId: failureEventId(connectionId, invoice),
                type: "invoice_collection.failed", endpointId: nil, payload: JSONValue.object(["invoice": .object(fields)]).canonicalText),
            firstJob: .eventDispatch)
        _ = try AlertStore.raise(
            tx, tenantId: tenantId, environment: environment, kind: .invoiceCollection, subject: subject,
            message: "Invoice \(invoice.number) of \(invoice.customerName) (\(invoice.balance) USD) was declined \(attempts) times; "
                + "Clearline stopped charging it (\(ledger)). Ask the customer for another card.")
    }
}
