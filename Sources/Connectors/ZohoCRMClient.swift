import Foundation

/// Zoho CRM API v8 (../shared/reference/zoho.md section 4): records wrapped in `data`, upsert
/// with duplicate-check fields, per-record outcomes that can mix successes and errors.
public struct ZohoCRMClient: Sendable {
    public struct Outcome: Sendable, Equatable {
        /// `insert` or `update`.
        public let action: String
        public let id: String
        /// The field an update matched on, when it was one.
        public let duplicateField: String?
    }

    public let session: ZohoSession

    public init(session: ZohoSession) {
        self.session = session
    }

    /// Inserts or updates each record by `duplicateCheckFields`; throws for the first record that failed.
    public func upsert(_ module: String, _ records: [[String: Any]], duplicateCheckFields: [String]) throws -> [Outcome] {
        let reply = try session.send(
            "POST", "crm/v8/\(module)/upsert", query: [],
            body: ["data": records, "duplicate_check_fields": duplicateCheckFields, "trigger": [String]()], vendor: "Zoho CRM")
        let object = try Self.envelope(reply)
        return try (object["data"] as? [[String: Any]] ?? []).map { item in
            guard item["status"] as? String == "success", let details = item["details"] as? [String: Any], let id = details["id"] as? String else {
                throw ConnectorError(
                    .permanent,
                    "Zoho CRM refused a \(module) record (\(ConnectorError.excerpt(item["code"] as? String ?? "error", limit: 40))): \(ConnectorError.excerpt(item["message"] as? String ?? ""))"
                )
            }
            return Outcome(action: item["action"] as? String ?? "", id: id, duplicateField: item["duplicate_field"] as? String)
        }
    }

    public func record(_ module: String, id: String) throws -> [String: Any]? {
        let reply = try session.send("GET", "crm/v8/\(module)/\(id)", query: [], body: nil, vendor: "Zoho CRM")
        if reply.status == 204 { return nil }
        return (try Self.envelope(reply)["data"] as? [[String: Any]])?.first
    }

    /// Records with this e-mail; none is an empty list (Zoho answers 204).
    public func search(_ module: String, email: String) throws -> [[String: Any]] {
        let reply = try session.send("GET", "crm/v8/\(module)/search", query: [("email", email)], body: nil, vendor: "Zoho CRM")
        if reply.status == 204 { return [] }
        return try Self.envelope(reply)["data"] as? [[String: Any]] ?? []
    }

    static func envelope(_ reply: HTTPTransport.Reply) throws -> [String: Any] {
        let object = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
        if reply.status == 401 {
            throw ConnectorError(
                .authentication, "Zoho CRM refused a fresh access token (\(ConnectorError.excerpt(object["code"] as? String ?? "INVALID_TOKEN", limit: 40))).")
        }
        if reply.status >= 400, object["data"] == nil {
            throw ConnectorError(
                .permanent,
                "Zoho CRM rejected the request (\(ConnectorError.excerpt(object["code"] as? String ?? "HTTP \(reply.status)", limit: 40))): \(ConnectorError.excerpt(object["message"] as? String ?? ""))"
            )
        }
        return object
    }
}
