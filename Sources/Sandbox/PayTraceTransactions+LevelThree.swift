import Foundation
import HTTPServer
import Domain

/// Level 3 data (reference section 6): line items and tax detail added to an approved Visa or
/// Mastercard sale before it settles, answered with 170 and PayTrace's wording ("Visa/MasterCard
/// enhanced data was successfully added to Transaction ID N. K line item records were created.").
/// A missing id is 58 and an unknown one 811, as documented; PayTrace does not document the code
/// for a transaction of another brand or one already settled: the emulator answers 1, in its
/// error envelope, with a message naming the reason.
extension PayTraceTransactions {
    func levelThreeRoutes(into router: inout Router<SandboxHandler>, prefix: String, guarded: Guarded) {
        router.add("POST", prefix + "/v1/level_three/visa", guarded { [self] in levelThree($0, brand: .visa) })
        router.add("POST", prefix + "/v1/level_three/mastercard", guarded { [self] in levelThree($0, brand: .mastercard) })
    }

    func levelThree(_ body: [String: Any], brand: CardBrand) -> Response {
        state.withLock { state -> Response in
            guard let id = Self.id(body["transaction_id"]) else { return Self.errors(Self.invalidId) }
            guard var t = state.transactions[id] else { return Self.errors(Self.notFound) }
            guard t.approved, t.type != "REFUND", t.settled == nil, t.status != "VOIDED" else {
                return Self.errors(["1": ["Level 3 data can be added only to an approved transaction that has not settled."]])
            }
            guard t.card.brand == brand else {
                return Self.errors(["1": ["Transaction ID \(id) is not a \(brand == .visa ? "Visa" : "MasterCard") transaction."]])
            }
            let lines = body["line_items"] as? [[String: Any]] ?? []
            t.levelThree = body.filter { $0.key != "transaction_id" && $0.key != "integrator_id" }
            state.transactions[id] = t
            return SandboxResponses.json(
                200,
                [
                    "success": true, "response_code": 170,
                    "status_message":
                        "Visa/MasterCard enhanced data was successfully added to Transaction ID \(id). \(lines.count) line item records were created.",
                ])
        }
    }
}
