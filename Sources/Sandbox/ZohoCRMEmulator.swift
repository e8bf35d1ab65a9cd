import Foundation
import Synchronization
import HTTPServer

/// Zoho CRM API v8 (../shared/reference/zoho.md section 4), served under every version prefix
/// from v2 to v8 as the reference asks: the settings the official SDKs read before each call
/// (`/settings/modules`, `/settings/fields`, `/users?type=CurrentUser`, `/org`), and records
/// inserted, updated, upserted, listed with `info.more_records` paging, fetched, searched by
/// `criteria`, `email`, `phone` or `word`, and deleted. Each write answers per record, in
/// `data[]`, with `SUCCESS` or the error's code; errors outside a record use the same
/// `{"code","details","message","status":"error"}` envelope.
final class ZohoCRMEmulator: Sendable {
    /// Behaviours Zoho's documentation leaves open, as settings of the emulator.
    struct Settings: Sendable {
        /// HTTP status of a write where some record failed. Zoho's pages show per-record errors
        /// without naming the status; 202 is what its older v2 pages list for them.
        var partialFailureStatus = 202
        /// HTTP status of a get by an id that names no record: not documented; 204, as for a
        /// search that finds nothing.
        var missingRecordStatus = 204
        /// Records per page when `per_page` is not given (Zoho: 200, also the maximum).
        var defaultPerPage = 200
    }

    static let versions = ["v2", "v2.1", "v3", "v4", "v5", "v6", "v7", "v8"]

    struct Store {
        /// Records by module API name, then by id.
        var records: [String: [String: [String: Any]]] = [:]
        /// Ids in insertion order, per module, so lists and pages are stable.
        var order: [String: [String]] = [:]
        var next = 5_725_767_000_001_000
    }

    let store = Locked(Store())
    let accounts: ZohoAccountsEmulator
    let settings: Settings

    init(accounts: ZohoAccountsEmulator, settings: Settings = Settings()) {
        self.accounts = accounts
        self.settings = settings
    }

    typealias Handler = @Sendable (Request, ZohoCRMModule) -> Response

    func routes(into router: inout Router<SandboxHandler>, apiRoot: String) {
        for version in Self.versions {
            let prefix = apiRoot + "/crm/" + version
            func add(_ method: String, _ path: String, _ handler: @escaping @Sendable (Request) -> Response) {
                router.add(method, prefix + path) { [self] request in
                    guard authorized(request) else {
                        return Self.error(401, "INVALID_TOKEN", "invalid oauth token")
                    }
                    return handler(request)
                }
            }
            func record(_ method: String, _ path: String, _ handler: @escaping Handler) {
                add(method, path) { request in
                    guard let module = ZohoCRMModule.named(request.pathParameters["module"] ?? "") else {
                        return Self.error(400, "INVALID_MODULE", "the module name given seems to be invalid", details: ["resource_path_index": 0])
                    }
                    return handler(request, module)
                }
            }
            add("GET", "/settings/modules") { _ in SandboxResponses.json(200, ["modules": ZohoCRMModule.all.map(\.metadata)]) }
            add("GET", "/settings/fields") { request in Self.fields(request) }
            add("GET", "/users") { _ in
                SandboxResponses.json(200, ["users": [Self.currentUser], "info": Self.info(page: 1, perPage: 200, count: 1, more: false)])
            }
            add("GET", "/org") { _ in SandboxResponses.json(200, ["org": [Self.organization]]) }
            record("POST", "/{module}") { [self] request, module in insert(request, module) }
            record("PUT", "/{module}") { [self] request, module in update(request, module, id: nil) }
            record("PUT", "/{module}/{id}") { [self] request, module in update(request, module, id: request.pathParameters["id"]) }
            record("POST", "/{module}/upsert") { [self] request, module in upsert(request, module) }
            record("GET", "/{module}") { [self] request, module in list(request, module) }
            record("GET", "/{module}/search") { [self] request, module in search(request, module) }
            record("GET", "/{module}/{id}") { [self] request, module in get(request, module) }
            record("DELETE", "/{module}/{id}") { [self] request, module in delete(module, ids: [request.pathParameters["id"] ?? ""]) }
            record("DELETE", "/{module}") { [self] request, module in
                delete(module, ids: (request.query["ids"] ?? "").split(separator: ",").map(String.init))
            }
        }
    }

    func authorized(_ request: Request) -> Bool {
        guard let header = request.header("authorization"), header.hasPrefix("Zoho-oauthtoken ") else { return false }
        return accounts.isLive(accessToken: String(header.dropFirst("Zoho-oauthtoken ".count)))
    }

    static func fields(_ request: Request) -> Response {
        guard let name = request.query["module"] else {
            return error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", details: ["param_name": "module"])
        }
        guard let module = ZohoCRMModule.named(name) else {
            return error(400, "INVALID_MODULE", "the module name given seems to be invalid", details: ["param_name": "module"])
        }
        return SandboxResponses.json(200, ["fields": module.fieldsMetadata])
    }

    /// The sandbox's one user, the one every token belongs to.
    static var currentUser: [String: Any] {
        [
            "id": "5725767000000411001", "full_name": "Sandbox Admin", "first_name": "Sandbox", "last_name": "Admin",
            "email": "admin@sandbox.example.com", "status": "active", "zuid": "60012345", "confirm": true,
            "role": ["id": "5725767000000015969", "name": "CEO"], "profile": ["id": "5725767000000015975", "name": "Administrator"],
            "time_zone": "America/New_York", "locale": "en_US", "country_locale": "en_US",
        ]
    }

    static var organization: [String: Any] {
        [
            "id": "5725767000000015958", "zgid": "60012346", "company_name": "Acme Outdoor Supply (sandbox)", "primary_email": "admin@sandbox.example.com",
            "currency": "USD", "currency_symbol": "$", "iso_code": "USD", "time_zone": "America/New_York", "country_code": "US", "max_per_page": 200,
            "type": "production",
        ]
    }

    static func info(page: Int, perPage: Int, count: Int, more: Bool) -> [String: Any] {
        ["page": page, "per_page": perPage, "count": count, "more_records": more]
    }

    static func error(_ status: Int, _ code: String, _ message: String, details: [String: Any] = [:]) -> Response {
        SandboxResponses.json(status, ["code": code, "details": details, "message": message, "status": "error"])
    }

    /// Made once, as `SandboxResponses.formatter`'s are (an ICU formatter underneath), and used
    /// under its lock.
    private static let stamp = Mutex<ISO8601DateFormatter>(
        {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            formatter.timeZone = TimeZone(identifier: "America/New_York")
            return formatter
        }())

    static func now() -> String { stamp.withLock { $0.string(from: Date()) } }
}
