import Foundation
import Connectors
import Domain
import Persistence

/// Repairs of a sale's Zoho Books payment.
enum ZohoPaymentRepair {
    static let target = "zoho_books.customerpayment"

    /// A payment the reconciliation found missing is posted again by the flow step that first
    /// wrote it: Books is asked first (the payment the cross-reference names must be gone, 404,
    /// and no other payment may carry the sale's reference); only then is the stale link
    /// forgotten and the run taken up again at that step.
    static func postAgain(_ repair: ReconciliationRepairHandler.Context) throws -> JobEffects {
        let transaction = repair.transaction
        let (link, run, position, event) = try FlowStepReplay.locate(repair, target: target, sourceKey: "txn:\(transaction)")
        let books = try self.books(repair)
        do {
            _ = try books.call("GET", "customerpayments/\(link.targetId)")
            throw PermanentJobFailure(
                "payment \(link.targetId) of transaction \(transaction) is still in Zoho Books (outside the period read?); nothing to repair")
        } catch let error as ConnectorError where error.kind == .permanent && error.message.contains("(code 1002)") {
            // Gone, as the reconciliation found.
        }
        if let other = try books.customerPayments(referenceNumber: "PT-\(transaction)").first?["payment_id"] as? String {
            throw PermanentJobFailure("Zoho Books has payment \(other) for transaction \(transaction) already; reconcile again")
        }
        return FlowStepReplay.replay(
            repair, link: link, run: run, position: position, event: event,
            summary: ["request": "Zoho Books payment \(link.targetId) of transaction \(transaction)", "response": "gone; posting it again"],
            detail: "reconciliation found the payment missing in Zoho Books")
    }

    /// A payment whose amount was edited by hand is set back to what PayTrace settled, if Books
    /// still shows the amount the reconciliation found (a newer edit is a person's to look at).
    static func correctAmount(_ repair: ReconciliationRepairHandler.Context) throws -> JobEffects {
        guard let paymentId = repair.finding.ledgerId, let found = repair.finding.ledgerAmount, let settled = repair.finding.payTraceAmount,
            let text = Money(amount: settled, currency: "USD")?.formatted
        else { throw PermanentJobFailure("the finding names no payment and amounts to correct") }
        let books = try self.books(repair)
        let current = try books.call("GET", "customerpayments/\(paymentId)")["payment"] as? [String: Any]
        guard let now = Money.decimal(fromJSON: current?["amount"]) else { throw PermanentJobFailure("Zoho Books payment \(paymentId) has no amount") }
        if now == settled { return .none }
        guard now == found else {
            throw PermanentJobFailure("payment \(paymentId) now shows \(now), not the \(found) found; reconcile again before correcting it")
        }
        _ = try books.call("PUT", "customerpayments/\(paymentId)", body: ["amount": text])
        let (tenantId, transaction) = (repair.tenantId, repair.transaction)
        return JobEffects(summary: ["request": "Zoho Books payment \(paymentId) of transaction \(transaction)", "response": "amount \(found) → \(text)"]) {
            tx in
            // Clearline changed a person's edit: on the audit chain, with both amounts.
            let details: JSONValue = .object([
                "payment_id": .string(paymentId), "transaction_id": .string(String(transaction)), "from": .string("\(found)"), "to": .string(text),
            ])
            _ = try AuditLogStore.append(
                tx, tenantId: tenantId,
                AuditRecord(
                    actor: "clearline", action: "reconciliation.amount_corrected", targetType: "reconciliation",
                    targetId: repair.reconciliationId.lowercasedText, requestId: "", details: details.canonicalText))
        }
    }

    static func books(_ repair: ReconciliationRepairHandler.Context) throws -> ZohoBooksClient {
        let loaded = try repair.database.transaction(.tenant(repair.tenantId)) { tx -> (Connection, [String: String])? in
            guard let zoho = try ZohoLedgerReader.connection(tx, tenantId: repair.tenantId, environment: repair.environment) else { return nil }
            return (zoho, try ConnectionStore.secrets(tx, vault: repair.vault, connection: zoho))
        }
        guard let (connection, secrets) = loaded else { throw PermanentJobFailure("this environment has no Zoho Books connection") }
        return try ZohoClients.forConnection(connection, secrets: secrets).books
    }
}
