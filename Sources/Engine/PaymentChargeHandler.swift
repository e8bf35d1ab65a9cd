public import Foundation
import Connectors
public import Domain
public import Persistence

/// `payment.charge` (`{"payment_request_id"}`): charges a payment request into PayTrace, once.
/// PayTrace has no idempotency key, so:
/// - each attempt is committed before the call, with the request's reference in the charge's
///   `invoice_id`, and the moment until which it may still be under way at PayTrace;
/// - after an outcome that never arrived (a timeout, a lost answer, a 5xx), the next attempt
///   waits for that moment, then searches PayTrace's transactions for the reference, and adopts
///   what it finds instead of charging again;
/// - a decline is an outcome, never retried; a request PayTrace refuses outright charged nothing.
public struct PaymentChargeHandler: JobHandler {
    /// How long after an attempt starts it may still be under way at PayTrace: the transport's
    /// deadline, and a margin for an answer PayTrace is still writing when the caller gives up.
    let settleSeconds: TimeInterval
    /// How long a call to PayTrace may take before it counts as an outcome not known.
    let callTimeout: TimeInterval

    public init(settleSeconds: TimeInterval = 45, callTimeout: TimeInterval = 15) {
        self.settleSeconds = settleSeconds
        self.callTimeout = callTimeout
    }

    public func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let id = PaymentRequestStore.requestId(ofJob: job.payload) else {
            throw PermanentJobFailure("a charge names its payment request")
        }
        let tenantId = job.tenantId
        let vault = context.vault
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> (PaymentRequest, Connection?, [String: String])? in
            guard let request = try PaymentRequestStore.get(tx, tenantId: tenantId, environment: nil, id: id) else { return nil }
            guard let connection = try ConnectionStore.get(tx, tenantId: tenantId, environment: request.environment, id: request.connectionId) else {
                return (request, nil, [:])
            }
            return (request, connection, try ConnectionStore.secrets(tx, vault: vault, connection: connection))
        }
        guard let (request, connection, secrets) = loaded, request.status.isCharging else { return .none }
        guard let connection else {
            // With no attempt made nothing was charged; after one, only PayTrace could tell.
            if request.attempts == 0 { return decided(request, tenantId, .failed, error: "The PayTrace connection was removed before the charge.") }
            throw PermanentJobFailure("the PayTrace connection was removed after an attempt; look the reference \(request.reference) up in PayTrace")
        }
        if let settles = request.attemptSettlesAt, settles > Date() {
            throw ConnectorError(
                .rateLimited(retryAfter: settles.timeIntervalSinceNow + 0.05),
                "An earlier attempt at this charge may still be under way at PayTrace; PayTrace is searched once it has settled.")
        }
        let client = try PayTraceClient.forConnection(connection, secrets: secrets, transport: HTTPTransport(timeout: callTimeout).attributed(to: connection))
        if request.attempts > 0, let found = try earlierCharge(of: request, client) {
            return adopted(found, request, tenantId)
        }
        let settlesAt = Date().addingTimeInterval(settleSeconds)
        guard
            try context.database.transaction(.tenant(tenantId), { try PaymentRequestStore.beginAttempt($0, tenantId: tenantId, id: id, settlesAt: settlesAt) })
                != nil
        else {
            throw ConnectorError(.rateLimited(retryAfter: 1), "Another attempt at this charge has not settled yet.")
        }
        let reply: PayTraceReply
        do {
            reply =
                request.draft.capture
                ? try client.sale(customerId: request.draft.customerId, amount: request.draft.amount, invoiceId: request.reference)
                : try client.authorize(customerId: request.draft.customerId, amount: request.draft.amount, invoiceId: request.reference)
        } catch let error as ConnectorError where error.kind == .permanent {
            // PayTrace refused the request itself (an unknown customer, a field it rejects).
            return decided(request, tenantId, .failed, error: error.message)
        } catch {
            // No outcome: the next attempt looks for this one in PayTrace before charging.
            try? context.database.transaction(.tenant(tenantId)) {
                try PaymentRequestStore.noteUncertain($0, tenantId: tenantId, id: id, error: "\(error)")
            }
            throw error
        }
        let object = reply.object
        return decided(
            request, tenantId, !reply.success ? .declined : request.draft.capture ? .approved : .authorized, transactionId: reply.transactionId,
            approvalCode: (object["approval_code"] as? String).flatMap { $0.isEmpty ? nil : $0 }, responseCode: reply.responseCode,
            message: reply.statusMessage)
    }

    public func died(_ job: Job, reason: String, _ tx: Transaction) throws {
        guard let id = PaymentRequestStore.requestId(ofJob: job.payload) else { return }
        try PaymentRequestStore.noteUncertain(tx, tenantId: job.tenantId, id: id, error: reason)
    }

    /// The sale (or authorization) an earlier attempt made, if PayTrace has one with this request's
    /// reference: its transactions from the day before the request to the day after today
    /// (PayTrace's days are the merchant's, not UTC), searched for the reference and matched on it
    /// exactly.
    func earlierCharge(of request: PaymentRequest, _ client: PayTraceClient) throws -> PayTraceExportedTransaction? {
        func day(_ date: Date) -> String { Timestamp.usDay(Timestamp.dayText(date)) ?? "" }
        let found = try client.exportTransactions(
            from: day(request.createdAt.addingTimeInterval(-86_400)), to: day(Date().addingTimeInterval(86_400)), includingText: request.reference,
            customerId: request.draft.customerId)
        let type = request.draft.capture ? "SALE" : "AUTHORIZATION"
        return found.first { $0.invoiceId == request.reference && $0.type == type }
    }

    private func adopted(_ found: PayTraceExportedTransaction, _ request: PaymentRequest, _ tenantId: UUID) -> JobEffects {
        // An authorization not yet captured is held; one captured since is a charge.
        let status: PaymentRequest.Status = found.status == "DECLINED" ? .declined : found.status == "AUTHORIZED" ? .authorized : .approved
        return decided(
            request, tenantId, status, transactionId: found.transactionId,
            message: "Found in PayTrace after an answer that did not arrive: \(found.status.lowercased().replacingOccurrences(of: "_", with: " ")).")
    }

    private func decided(
        _ request: PaymentRequest, _ tenantId: UUID, _ status: PaymentRequest.Status, transactionId: Int? = nil, approvalCode: String? = nil,
        responseCode: Int? = nil, message: String? = nil, error: String? = nil
    ) -> JobEffects {
        JobEffects(summary: ["request": "charge \(request.reference)", "response": status.rawValue]) { tx in
            try PaymentRequestStore.decide(
                tx, tenantId: tenantId, id: request.id, status: status, transactionId: transactionId, approvalCode: approvalCode, responseCode: responseCode,
                message: message, error: error)
            // A charge of an invoice is posted back on it as a payment, by a job of its own.
            if status == .approved, request.invoice != nil {
                try PaymentRequestStore.enqueuePosting(tx, tenantId: tenantId, environment: request.environment, id: request.id)
            }
            try Self.announce(tx, request, tenantId, status, transactionId: transactionId, approvalCode: approvalCode, message: error ?? message)
        }
    }

    /// The outcome as an event (`payment_request.approved`, `.declined`, `.failed`) that deployed
    /// flows take like any other (to post the payment to an invoice, say), and for a charge that
    /// did not go through, an alert for a person. Both are recorded once, whatever retries.
    static func announce(
        _ tx: Transaction, _ request: PaymentRequest, _ tenantId: UUID, _ status: PaymentRequest.Status, transactionId: Int?, approvalCode: String?,
        message: String?
    ) throws {
        var fields: [String: JSONValue] = [
            "id": .string(request.id.lowercasedText), "reference": .string(request.reference), "customer_id": .string(request.draft.customerId),
            "amount": .string(Money(amount: request.draft.amount, currency: request.draft.currency)?.formatted ?? "\(request.draft.amount)"),
            "currency": .string(request.draft.currency), "status": .string(status.rawValue),
        ]
        if let external = request.draft.externalReference { fields["external_reference"] = .string(external) }
        if let description = request.draft.description { fields["description"] = .string(description) }
        if let transactionId { fields["transaction_id"] = .number(Double(transactionId)) }
        if let approvalCode { fields["approval_code"] = .string(approvalCode) }
        if let message { fields["message"] = .string(message) }
        _ = try EventStore.record(
            tx,
            NewEvent(
                tenantId: tenantId, environment: request.environment, source: "payment_request",
                vendorEventId: "payment_request:\(request.id.lowercasedText):\(status.rawValue)",
                type: "payment_request.\(status.rawValue)", endpointId: nil, payload: JSONValue.object(["payment_request": .object(fields)]).canonicalText),
            firstJob: .eventDispatch)
        guard status == .declined || status == .failed else { return }
        _ = try AlertStore.raise(
            tx, tenantId: tenantId, environment: request.environment, kind: .paymentRequest, subject: "payment_request:\(request.id.lowercasedText)",
            message: "The charge of \(fields["amount"]?.string ?? "") \(request.draft.currency) to PayTrace customer \(request.draft.customerId) "
                + "(\(request.draft.externalReference ?? request.reference)) \(status == .declined ? "was declined" : "failed"): \(message ?? "no reason given")."
        )
    }
}
