import Foundation
import Connectors
public import Domain
public import Persistence

/// `payment.capture` (`{"payment_request_id"}`): captures an authorized payment request, once.
/// PayTrace refuses a second capture of one authorization (816), so a capture whose answer was
/// lost is simply tried again; a refusal then reads the transaction back, and one captured since
/// (pending settlement, or settled) was this capture.
public struct PaymentCaptureHandler: JobHandler {
    public init() {}

    public func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let id = PaymentRequestStore.requestId(ofJob: job.payload) else {
            throw PermanentJobFailure("a capture names its payment request")
        }
        let tenantId = job.tenantId
        let vault = context.vault
        let loaded = try context.database.transaction(.tenant(tenantId)) { tx -> (PaymentRequest, Connection, [String: String])? in
            guard let request = try PaymentRequestStore.get(tx, tenantId: tenantId, environment: nil, id: id), request.status == .capturing,
                let connection = try ConnectionStore.get(tx, tenantId: tenantId, environment: request.environment, id: request.connectionId)
            else { return nil }
            return (request, connection, try ConnectionStore.secrets(tx, vault: vault, connection: connection))
        }
        guard let (request, connection, secrets) = loaded, let transactionId = request.transactionId else { return .none }
        let client = try PayTraceClient.forConnection(connection, secrets: secrets, transport: HTTPTransport().attributed(to: connection))
        do {
            let reply = try client.capture(transactionId: transactionId)
            return finished(request, tenantId, captured: true, message: reply.statusMessage)
        } catch let error as ConnectorError where error.kind == .permanent {
            // Refused: captured already by an attempt whose answer was lost, or not capturable.
            let now = try client.transaction(id: transactionId)
            if let status = now?.status, status == "PENDING_SETTLEMENT" || status == "SETTLED" {
                return finished(request, tenantId, captured: true, message: "Captured by an earlier attempt whose answer did not arrive.")
            }
            return finished(request, tenantId, captured: false, message: error.message)
        }
    }

    public func died(_ job: Job, reason: String, _ tx: Transaction) throws {
        guard let id = PaymentRequestStore.requestId(ofJob: job.payload) else { return }
        try PaymentRequestStore.noteUncertain(tx, tenantId: job.tenantId, id: id, error: reason)
    }

    private func finished(_ request: PaymentRequest, _ tenantId: UUID, captured: Bool, message: String) -> JobEffects {
        JobEffects(summary: ["request": "capture \(request.reference)", "response": captured ? "captured" : "refused"]) { tx in
            try PaymentRequestStore.finishCapture(tx, tenantId: tenantId, id: request.id, captured: captured, message: message)
            if captured {
                if request.invoice != nil {
                    try PaymentRequestStore.enqueuePosting(tx, tenantId: tenantId, environment: request.environment, id: request.id)
                }
                try PaymentChargeHandler.announce(
                    tx, request, tenantId, .approved, transactionId: request.transactionId, approvalCode: request.approvalCode, message: message)
            }
        }
    }
}
