import Foundation
import HTTPServer

/// `PUT /contacts`, `PUT /invoices` and `PUT /customerpayments` keyed by a custom field that
/// allows no duplicates (reference section 2.4): `X-Unique-Identifier-Key: cf_<api_name>` and
/// `X-Unique-Identifier-Value` name the record; it is updated when found, created when
/// `X-Upsert: true` is sent, and otherwise the answer is Books' 1002 "does not exist".
extension ZohoBooksEmulator {
    func upsert(
        _ request: Request, _ body: [String: Any], key entity: String, table: KeyPath<State, [String: [String: Any]]>,
        create: ([String: Any]) -> Response, update: (String, [String: Any]) -> Response
    ) -> Response {
        guard let field = request.header("x-unique-identifier-key"), field.hasPrefix("cf_") else {
            return Self.invalid("X-Unique-Identifier-Key")
        }
        guard let value = request.header("x-unique-identifier-value"), !value.isEmpty else { return Self.invalid("X-Unique-Identifier-Value") }
        let found = state.withLock { state in
            state[keyPath: table].first { _, record in
                (record["custom_fields"] as? [[String: Any]] ?? []).contains { $0["api_name"] as? String == field && "\($0["value"] ?? "")" == value }
            }?.key
        }
        if let found { return update(found, body) }
        guard request.header("x-upsert")?.lowercased() == "true" else {
            return Self.missing(entity == "payment" ? "Payment" : entity.capitalized)
        }
        // The new record carries the key it was looked up by, so the next upsert finds it.
        var created = body
        var fields = (body["custom_fields"] as? [[String: Any]] ?? []).filter { $0["api_name"] as? String != field }
        fields.append(["api_name": field, "value": value])
        created["custom_fields"] = fields
        return create(created)
    }
}
