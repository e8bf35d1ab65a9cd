import Foundation
import Connectors
import Domain
import Persistence

/// A sale's Sage Pro cash receipt the reconciliation found missing is posted again with the
/// payload its flow step sent. Not by replaying the step: the agent's crosswalk answers a
/// repeated external id with the first receipt, the one that was voided, so the repost is its
/// own command (`<step key>:repair:<reconciliation>`), itself applied once however often the job
/// runs. Pro is read first: no receipt may carry the sale's reference on its day.
enum SageReceiptRepair {
    static let target = "sage_pro.cash_receipt"

    static func postAgain(_ repair: ReconciliationRepairHandler.Context) throws -> JobEffects {
        let transaction = repair.transaction, sourceKey = "txn:\(repair.transaction):cash_receipt"
        let loaded = try repair.database.transaction(.tenant(repair.tenantId)) { tx -> (Connection, SyncLink, AgentCommand)? in
            guard let sage = try SageAgentCommands.connection(tx, tenantId: repair.tenantId, environment: repair.environment),
                let link = try SyncLinkStore.link(tx, tenantId: repair.tenantId, environment: repair.environment, target: target, sourceKey: sourceKey),
                let command = try AgentCommandStore.find(tx, tenantId: repair.tenantId, connectionId: sage.id, externalId: sourceKey)
            else { return nil }
            return (sage, link, command)
        }
        guard let (connection, link, original) = loaded, let payload = JSONValue(parsing: original.payload) else {
            throw PermanentJobFailure("no flow of Clearline's wrote transaction \(transaction)'s Sage Pro receipt; nothing to post again")
        }
        let commands = SageAgentCommands(database: repair.database, connection: connection)
        let repairId = "\(sourceKey):repair:\(repair.reconciliationId.lowercasedText)"
        // The receipt's own day: a receipt for the sale keyed since (by hand, or a repair) shows there.
        let day = payload["paydate"]?.string ?? ""
        let there = try commands.readAll(
            .listCashReceipts, "receipts", ["from": .string(day), "to": .string(day)], readId: "\(repairId):check")
        if let other = there.first(where: { $0["reference"]?.string == "PT-\(transaction)" })?["receipt_no"]?.string,
            try !alreadyRepaired(repair, connection: connection, repairId: repairId, receipt: other)
        {
            throw PermanentJobFailure("Sage Pro has receipt \(other) for transaction \(transaction) already; reconcile again")
        }
        guard let receipt = try commands.send(.postCashReceipt, externalId: repairId, payload: payload)["receipt_no"]?.string else {
            throw PermanentJobFailure("Sage Pro's answer to cash_receipt.post had no receipt_no")
        }
        let summary = ["request": "Sage Pro receipt \(link.targetId) of transaction \(transaction)", "response": "gone; posted again as \(receipt)"]
        return JobEffects(summary: summary) { tx in
            try SyncLinkStore.forget(tx, link)
            try SyncLinkStore.record(
                tx,
                SyncLink(
                    tenantId: link.tenantId, environment: link.environment, target: target, sourceKey: sourceKey, targetId: receipt, runId: link.runId))
        }
    }

    /// Whether `receipt` is this repair's own, posted by an earlier attempt whose effects were lost.
    static func alreadyRepaired(_ repair: ReconciliationRepairHandler.Context, connection: Connection, repairId: String, receipt: String) throws -> Bool {
        try repair.database.transaction(.tenant(repair.tenantId)) { tx in
            let earlier = try AgentCommandStore.find(tx, tenantId: repair.tenantId, connectionId: connection.id, externalId: repairId)
            return earlier?.result.flatMap(JSONValue.init(parsing:))?["receipt_no"]?.string == receipt
        }
    }
}
