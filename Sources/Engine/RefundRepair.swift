import Foundation
import Connectors
import Domain
import Persistence

/// A refund PayTrace settled that a ledger does not show, because no flow ever saw it (its
/// webhook lost, polling off): it is read from PayTrace and recorded as its event, under the key
/// the poller and Silent Post use (`txn:<id>:REFUND`), so the refund flows write it into each
/// ledger through their exactly-once writers. An event on record already is not recorded twice:
/// its runs are where to look.
enum RefundRepair {
    static func record(_ repair: ReconciliationRepairHandler.Context) throws -> JobEffects {
        let transaction = repair.transaction
        let loaded = try repair.database.transaction(.tenant(repair.tenantId)) { tx -> (Connection, [String: String])? in
            guard let reconciliation = try ReconciliationStore.get(tx, tenantId: repair.tenantId, environment: repair.environment, id: repair.reconciliationId),
                let settlement = try SettlementStore.get(tx, tenantId: repair.tenantId, environment: repair.environment, id: reconciliation.settlementId),
                let connection = try ConnectionStore.get(tx, tenantId: repair.tenantId, environment: repair.environment, id: settlement.connectionId)
            else { return nil }
            return (connection, try ConnectionStore.secrets(tx, vault: repair.vault, connection: connection))
        }
        guard let (connection, secrets) = loaded else { throw PermanentJobFailure("the settlement's PayTrace connection is gone") }
        guard let refund = try PayTraceClient.forConnection(connection, secrets: secrets).transaction(id: transaction), refund.type == "REFUND" else {
            throw PermanentJobFailure("PayTrace has no refund \(transaction)")
        }
        let (vendorId, type, body) = PayTraceEvents.event(refund)
        let (tenantId, environment) = (repair.tenantId, repair.environment)
        return JobEffects(summary: ["request": "PayTrace transactions/export/by_id \(transaction)", "response": "refund of \(refund.amount)"]) { tx in
            let (_, duplicate) = try EventStore.record(
                tx,
                NewEvent(
                    tenantId: tenantId, environment: environment, source: "paytrace", vendorEventId: vendorId, type: type, endpointId: nil, payload: body),
                firstJob: .eventDispatch)
            if duplicate {
                throw PermanentJobFailure("refund \(transaction)'s event is on record already: see its runs for why a ledger does not show it")
            }
        }
    }
}
