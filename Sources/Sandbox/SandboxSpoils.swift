import Foundation
import HTTPServer

/// Drift on request, what people do to ledgers by hand, for reconciliation's tests and the
/// demo: `POST /_sandbox/spoil {"action", "reference": "PT-<id>", ...}` with one of
/// - `delete_zoho_payment`: the Books payment with that reference is deleted;
/// - `change_zoho_payment` (`amount`): its amount is edited;
/// - `duplicate_zoho_payment`: a manual payment of the same customer and amount is added;
/// - `drop_sage_receipt` (`connection_id`): the Pro cash receipt is voided;
/// - `duplicate_sage_receipt` (`connection_id`): a manual receipt on account is added.
/// The answer names the record touched; 404 when no record has the reference.
struct SandboxSpoils {
    let books: ZohoBooksEmulator
    let sageAgents: SageAgents

    static let actions = ["delete_zoho_payment", "change_zoho_payment", "duplicate_zoho_payment", "drop_sage_receipt", "duplicate_sage_receipt"]

    func routes(into router: inout Router<SandboxHandler>) {
        router.add("POST", "/_sandbox/spoil") { request in spoil(request) }
    }

    func spoil(_ request: Request) -> Response {
        let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        guard let action = object["action"] as? String, Self.actions.contains(action), let reference = object["reference"] as? String else {
            return SandboxResponses.json(400, ["error": "send action (one of \(Self.actions.joined(separator: ", "))) and reference"])
        }
        if action.hasSuffix("sage_receipt") {
            guard let id = (object["connection_id"] as? String).flatMap(UUID.init(uuidString:)), let company = sageAgents.company(id) else {
                return SandboxResponses.json(404, ["error": "no Sage Pro company for connection_id"])
            }
            let touched = action == "drop_sage_receipt" ? company.dropReceipt(reference: reference) : company.duplicateReceipt(reference: reference)
            guard let touched else { return SandboxResponses.json(404, ["error": "no Sage Pro receipt has reference \(reference)"]) }
            return SandboxResponses.json(200, ["action": action, "receipt_no": touched])
        }
        guard let payment = books.payment(reference: reference), let id = payment["payment_id"] as? String else {
            return SandboxResponses.json(404, ["error": "no Zoho Books payment has reference \(reference)"])
        }
        let answer: Response
        switch action {
        case "delete_zoho_payment":
            answer = books.deletePayment(id)
        case "change_zoho_payment":
            guard let amount = object["amount"] as? String else { return SandboxResponses.json(400, ["error": "send the new amount, as a string"]) }
            answer = books.updatePayment(id, ["amount": amount])
        default:
            answer = books.createPayment([
                "customer_id": payment["customer_id"] ?? "", "amount": payment["amount"] ?? 0, "payment_mode": "cash",
                "date": payment["date"] ?? ZohoBooksEmulator.today(), "description": "keyed by hand",
            ])
        }
        guard (200..<300).contains(answer.status) else { return answer }
        let touched = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
        return SandboxResponses.json(200, ["action": action, "payment_id": (touched?["payment"] as? [String: Any])?["payment_id"] ?? id])
    }
}
