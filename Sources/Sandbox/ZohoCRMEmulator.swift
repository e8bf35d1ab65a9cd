import Foundation
import Crypto
import HTTPServer

/// Zoho CRM API v8 (../shared/reference/zoho.md section 4): upsert with duplicate-check fields,
/// get and search by e-mail, per-record outcomes. Default duplicate-check fields and mandatory
/// fields follow section 4.2/4.3 (Email for Contacts, Account_Name for Accounts, Deal_Name for
/// Deals; marked unverified there). The HTTP status of an upsert is not documented: 200 here.
final class ZohoCRMEmulator: Sendable {
    static let defaultDuplicateFields = ["Contacts": "Email", "Accounts": "Account_Name", "Deals": "Deal_Name"]
    static let mandatory = ["Contacts": ["Last_Name"], "Accounts": ["Account_Name"], "Deals": ["Deal_Name", "Stage"]]

    /// Records by module, then by id.
    private let store = Locked([String: [String: [String: Any]]]())
    let accounts: ZohoAccountsEmulator

    init(accounts: ZohoAccountsEmulator) {
        self.accounts = accounts
    }

    func routes(into router: inout Router<SandboxHandler>, prefix: String) {
        func add(_ method: String, _ path: String, _ handler: @escaping @Sendable (Request, String) -> Response) {
            router.add(method, prefix + path) { [self] request in
                guard let header = request.header("authorization"), header.hasPrefix("Zoho-oauthtoken "),
                    accounts.isLive(accessToken: String(header.dropFirst("Zoho-oauthtoken ".count)))
                else {
                    return SandboxResponses.json(
                        401, ["code": "INVALID_TOKEN", "details": [String: Any](), "message": "invalid oauth token", "status": "error"])
                }
                let module = request.pathParameters["module"] ?? String(request.path.dropFirst(prefix.count + 1).prefix { $0 != "/" })
                guard Self.mandatory[module] != nil else {
                    return SandboxResponses.json(
                        400, ["code": "INVALID_MODULE", "details": [String: Any](), "message": "the module name given seems to be invalid", "status": "error"])
                }
                return handler(request, module)
            }
        }
        add("POST", "/{module}/upsert") { [self] request, module in upsert(request, module) }
        add("GET", "/{module}/search") { [self] request, module in search(request, module) }
        add("GET", "/{module}/{id}") { [self] request, module in get(request, module) }
    }

    func upsert(_ request: Request, _ module: String) -> Response {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        guard let records = body["data"] as? [[String: Any]], (1...100).contains(records.count) else {
            return SandboxResponses.json(
                400, ["code": "INVALID_DATA", "details": [String: Any](), "message": "data must hold 1 to 100 records", "status": "error"])
        }
        let keys = (body["duplicate_check_fields"] as? [String]).flatMap { $0.isEmpty ? nil : $0 } ?? [Self.defaultDuplicateFields[module]!]
        let outcomes: [[String: Any]] = store.withLock { all in
            var table = all[module] ?? [:]
            defer { all[module] = table }
            return records.map { record -> [String: Any] in
                let now = Self.now()
                // An existing record matched by a duplicate-check field is updated: no field is mandatory then.
                for key in keys {
                    if let (id, existing) = table.first(where: { Self.same($0.value[key], record[key]) }) {
                        table[id] = existing.merging(record) { $1 }.merging(["Modified_Time": now]) { $1 }
                        return [
                            "code": "SUCCESS", "status": "success", "message": "record updated", "action": "update", "duplicate_field": key,
                            "details": ["id": id, "Modified_Time": now],
                        ]
                    }
                }
                if let missing = Self.mandatory[module]!.first(where: { (record[$0] as? String ?? "").isEmpty }) {
                    return ["code": "MANDATORY_NOT_FOUND", "details": ["api_name": missing], "message": "required field not found", "status": "error"]
                }
                let id = String(6_000_000_000_000_000 + Int.random(in: 0..<999_999_999_999))
                table[id] = record.merging(["id": id, "Created_Time": now, "Modified_Time": now]) { $1 }
                return [
                    "code": "SUCCESS", "status": "success", "message": "record added", "action": "insert", "duplicate_field": NSNull(),
                    "details": ["id": id, "Created_Time": now, "Modified_Time": now],
                ]
            }
        }
        return SandboxResponses.json(200, ["data": outcomes])
    }

    func get(_ request: Request, _ module: String) -> Response {
        let id = String(request.path.split(separator: "/").last ?? "")
        guard let record = store.withLock({ $0[module]?[id] }) else {
            return SandboxResponses.json(
                404, ["code": "INVALID_URL_PATTERN", "details": [String: Any](), "message": "the record was not found", "status": "error"])
        }
        return SandboxResponses.json(200, ["data": [record]])
    }

    func search(_ request: Request, _ module: String) -> Response {
        guard let email = request.query["email"]?.lowercased() else {
            return SandboxResponses.json(
                400, ["code": "REQUIRED_PARAM_MISSING", "details": [String: Any](), "message": "give criteria, email, phone or word", "status": "error"])
        }
        let found = store.withLock { ($0[module] ?? [:]).values.filter { ($0["Email"] as? String)?.lowercased() == email } }
        return found.isEmpty ? Response(status: 204) : SandboxResponses.json(200, ["data": found, "info": ["count": found.count, "more_records": false]])
    }

    static func same(_ a: Any?, _ b: Any?) -> Bool {
        guard let a = a as? String, let b = b as? String, !a.isEmpty else { return false }
        return a.lowercased() == b.lowercased()
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
