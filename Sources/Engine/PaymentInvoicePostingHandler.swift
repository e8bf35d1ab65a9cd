import Foundation
import Connectors
public import Domain
import Persistence

/// `payment.post_invoice` (`{"payment_request_id"}`): posts an approved charge on the invoice it
/// pays, once: a Zoho Books customer payment, or a Sage Pro cash receipt through the agent. Books
/// has no idempotency key either, so the payment carries the PayTrace transaction id as its `reference_number`, and Books is searched
/// for that reference before anything is created: a retry after an answer that never came adopts
/// the payment the first attempt made.
public struct PaymentInvoicePostingHandler: JobHandler {
    public init() {}

    public func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let id = PaymentRequestStore.requestId(ofJob: job.payload) else {
            throw PermanentJobFailure("a posting names its payment request")
        }
        let tenantId = job.tenantId
        let vault = context.vault
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> (PaymentRequest, Connection?, [String: String])? in
            guard let request = try PaymentRequestStore.get(tx, tenantId: tenantId, environment: nil, id: id), let invoice = request.invoice,
                invoice.paymentId == nil, request.status == .approved
            else { return nil }
            guard let ledger = try ConnectionStore.get(tx, tenantId: tenantId, environment: request.environment, id: invoice.connectionId) else {
                return (request, nil, [:])
            }
            return (request, ledger, try ConnectionStore.secrets(tx, vault: vault, connection: ledger))
        }
        guard let (request, ledger, secrets) = loaded, let invoice = request.invoice, let transactionId = request.transactionId else { return .none }
        guard let ledger else { throw PermanentJobFailure("the connection of invoice \(invoice.invoiceId) was removed; post the payment by hand") }
        if ledger.kind == .sageProAgent { return try postReceipt(request, tenantId, on: ledger, transactionId: transactionId, context) }
        let books = try ZohoClients.forConnection(ledger, secrets: secrets).books
        let reference = String(transactionId)
        if let earlier = try books.customerPayments(referenceNumber: reference).first(where: { $0["reference_number"] as? String == reference }),
            let paymentId = earlier["payment_id"] as? String
        {
            // An earlier attempt made it and its answer was lost.
            return posted(request, tenantId, paymentId: paymentId, shortfall: nil)
        }
        guard let current = try books.call("GET", "invoices/\(invoice.invoiceId)")["invoice"] as? [String: Any],
            let customerId = current["customer_id"] as? String
        else { throw PermanentJobFailure("Zoho Books has no invoice \(invoice.invoiceId)") }
        let balance = Money.decimal(fromJSON: current["balance"]) ?? 0
        let amount = request.draft.amount
        let payment: [String: Any]
        do {
            payment = try books.createCustomerPayment([
                "customer_id": customerId, "payment_mode": "creditcard", "amount": "\(amount)", "date": Timestamp.dayText(Date()),
                "reference_number": reference,
                "description": "PayTrace transaction \(reference) (Clearline \(request.reference))",
                // What the invoice still owes takes the charge; anything over it stays as the customer's credit, as Books does.
                "invoices": balance > 0 ? [["invoice_id": invoice.invoiceId, "amount_applied": "\(min(amount, balance))"]] : [[String: Any]](),
            ])
        } catch let refused as ConnectorError where refused.kind == .permanent && balance > 0 {
            // The invoice was paid some other way between reading its balance and posting (Books:
            // 24016, more applied than owed): the next attempt reads the balance again.
            throw ConnectorError(.retryable, "Zoho Books refused the payment on invoice \(invoice.invoiceId) as it stood: \(refused.message)")
        }
        guard let paymentId = payment["payment_id"] as? String else { throw ConnectorError(.retryable, "Zoho Books did not say which payment it made.") }
        return posted(
            request, tenantId, paymentId: paymentId, shortfall: balance >= amount ? nil : "the invoice owed \(balance); the rest is the customer's credit")
    }

    /// A Sage Pro invoice: a cash receipt on it through the agent, under the request's own
    /// external id, so the agent's crosswalk applies it once however often this runs. Pro refuses
    /// a receipt over the invoice's balance (paid some other way meanwhile): that is for a person.
    private func postReceipt(_ request: PaymentRequest, _ tenantId: UUID, on sage: Connection, transactionId: Int, _ context: JobContext) throws
        -> JobEffects
    {
        guard let invoice = request.invoice, let customer = invoice.customer else {
            throw PermanentJobFailure("the Sage Pro invoice of \(request.reference) has no customer number")
        }
        let commands = SageAgentCommands(database: context.database, connection: sage)
        let answer = try commands.send(
            .postCashReceipt, externalId: "payment_request:\(request.reference):receipt",
            payload: .object([
                "custno": .string(customer), "invno": .string(invoice.invoiceId), "amount": .string("\(request.draft.amount)"),
                "paydate": .string(Timestamp.dayText(request.decidedAt ?? Date())), "reference": .string("PT-\(transactionId)"),
            ]))
        guard let receipt = answer["receipt_no"]?.string else { throw PermanentJobFailure("Sage Pro's answer to cash_receipt.post had no receipt_no") }
        return posted(request, tenantId, paymentId: receipt, shortfall: nil)
    }

    /// `shortfall`: why the invoice took less than the charge, for a person to settle.
    private func posted(_ request: PaymentRequest, _ tenantId: UUID, paymentId: String, shortfall: String?) -> JobEffects {
        JobEffects(summary: ["request": "post \(request.reference) on invoice \(request.invoice?.invoiceId ?? "")", "response": paymentId]) { tx in
            guard try PaymentRequestStore.notePosted(tx, tenantId: tenantId, id: request.id, paymentId: paymentId) else { return }
            if let shortfall {
                _ = try AlertStore.raise(
                    tx, tenantId: tenantId, environment: request.environment, kind: .invoiceCollection,
                    subject: "payment_request:\(request.id.lowercasedText)",
                    message:
                        "The charge \(request.reference) was posted on invoice \(request.draft.externalReference ?? "") as payment \(paymentId): \(shortfall).")
            }
        }
    }
}
