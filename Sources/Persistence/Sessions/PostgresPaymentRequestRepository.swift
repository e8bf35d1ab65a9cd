import Foundation
import Domain

/// `PaymentRequestRepository` over `PaymentRequestStore`, in the session's transaction.
struct PostgresPaymentRequestRepository: PaymentRequestRepository {
    let tx: Transaction

    func create(
        tenantId: UUID, environment: EnvironmentName, connectionId: UUID, _ draft: PaymentRequestDraft, maxAttempts: Int,
        invoice: PaymentRequest.InvoiceLink?
    ) throws -> PaymentRequest? {
        try PaymentRequestStore.create(
            tx, tenantId: tenantId, environment: environment, connectionId: connectionId, draft, maxAttempts: maxAttempts, invoice: invoice)
    }

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> PaymentRequest? {
        try PaymentRequestStore.get(tx, tenantId: tenantId, environment: environment, id: id)
    }

    func list(
        tenantId: UUID, environment: EnvironmentName, status: PaymentRequest.Status?, search: String?, after cursor: PageCursor?, limit: Int
    ) throws -> Page<PaymentRequest> {
        try PaymentRequestStore.list(tx, tenantId: tenantId, environment: environment, status: status, search: search, after: cursor, limit: limit)
    }

    func beginCapture(tenantId: UUID, environment: EnvironmentName, id: UUID, maxAttempts: Int) throws -> PaymentRequest? {
        try PaymentRequestStore.beginCapture(tx, tenantId: tenantId, environment: environment, id: id, maxAttempts: maxAttempts)
    }
}
