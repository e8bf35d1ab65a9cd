public import Foundation

/// Payment requests: charges into PayTrace that another system asks for.
public protocol PaymentRequestRepository {
    /// A new request and the job that charges it.
    /// With `invoice`, nil when a charge of that invoice is under way already.
    func create(
        tenantId: UUID, environment: EnvironmentName, connectionId: UUID, _ draft: PaymentRequestDraft, maxAttempts: Int,
        invoice: PaymentRequest.InvoiceLink?
    ) throws -> PaymentRequest?

    func get(tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> PaymentRequest?

    /// Newest first, narrowed by status and by a search of the customer and references.
    func list(
        tenantId: UUID, environment: EnvironmentName, status: PaymentRequest.Status?, search: String?, after cursor: PageCursor?, limit: Int
    ) throws -> Page<PaymentRequest>

    /// Starts the capture of an authorized request (its job with it); nil when it is not authorized.
    func beginCapture(tenantId: UUID, environment: EnvironmentName, id: UUID, maxAttempts: Int) throws -> PaymentRequest?
}
