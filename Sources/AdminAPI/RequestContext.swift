import Foundation
import Domain
import HTTPServer

/// Everything a handler needs: the request, who sent it, and the services.
struct RequestContext: Sendable {
    let request: Request
    let requestId: String
    let principal: Principal?
    let services: Services

    /// The `{tenantId}` of the path, already checked to be one the principal may see.
    var tenantId: UUID {
        get throws {
            guard let text = request.pathParameters["tenantId"], let id = UUID(text: text) else { throw Problem.notFound("No such tenant.") }
            return id
        }
    }

    /// A path parameter that must be a UUID; anything else is simply not found.
    func uuidParameter(_ name: String, resource: String) throws -> UUID {
        guard let text = request.pathParameters[name], let id = UUID(text: text) else { throw Problem.notFound("No such \(resource).") }
        return id
    }

    var actor: String { principal?.label ?? "anonymous" }

    /// A transaction that can only see the path's tenant, whoever the principal is; a deleted
    /// or unknown tenant is not found (the scope itself checks).
    func tenantTransaction<T>(_ body: (any StoreSession) throws -> T) throws -> T {
        try services.stores.transaction(.tenant(try tenantId), body)
    }

    /// A tenant transaction of one statement (a page of a list): one round trip in all.
    func tenantRead<T>(_ body: (any StoreSession) throws -> T) throws -> T {
        try services.stores.read(.tenant(try tenantId), body)
    }

    func platformTransaction<T>(_ body: (any StoreSession) throws -> T) throws -> T {
        try services.stores.transaction(.platform, body)
    }

    /// Appends an audit line for this request inside the session's transaction.
    func audit(_ tx: any StoreSession, tenantId: UUID?, action: String, targetType: String, targetId: String, details: [String: String] = [:]) throws {
        try tx.auditLog.append(
            tenantId: tenantId,
            .init(
                actor: actor, action: action, targetType: targetType, targetId: targetId,
                requestId: requestId, details: String(decoding: JSONCoding.encode(details), as: UTF8.self)))
    }

    /// A list's `q`: text of at most 100 code points as sent, with no control character; blank
    /// (as an empty search box sends it) is no search.
    static func searchText(_ text: String?) throws -> String? {
        guard let text else { return nil }
        guard text.unicodeScalars.count <= 100, !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw Problem.validation([FieldError(field: "q", message: "must be at most 100 characters of text")])
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A list's `status` (or another query argument that names one of `T`'s values), or nil when absent.
    func choice<T: RawRepresentable & CaseIterable>(_ name: String = "status", as type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = request.query[name] else { return nil }
        guard let known = T(rawValue: text) else {
            throw Problem.validation([FieldError(field: name, message: "must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")])
        }
        return known
    }

    /// `limit` and `cursor` query arguments, validated.
    func pagination() throws -> (cursor: PageCursor?, limit: Int) {
        try pagination(decode: PageCursor.decode)
    }

    /// The same for lists whose cursor is of another kind (the audit log pages by sequence).
    func pagination<Cursor>(decode: (String) -> Cursor?) throws -> (cursor: Cursor?, limit: Int) {
        var limit = PageCursor.defaultLimit
        if let text = request.query["limit"] {
            guard let value = Int(text), (1...PageCursor.maxLimit).contains(value) else {
                throw Problem.validation([FieldError(field: "limit", message: "must be an integer from 1 to \(PageCursor.maxLimit)")])
            }
            limit = value
        }
        var cursor: Cursor?
        if let text = request.query["cursor"] {
            guard let decoded = decode(text) else {
                throw Problem.validation([FieldError(field: "cursor", message: "is not a cursor this API returned")])
            }
            cursor = decoded
        }
        return (cursor, limit)
    }

    func json<T: Encodable>(_ value: T, status: Int = 200) -> Response {
        Response(status: status, headers: Response.jsonHeaders, body: JSONCoding.encode(value))
    }

    func list<T: Encodable, Source>(_ page: Page<Source>, _ transform: (Source) -> T) -> Response {
        json(ListBody(items: page.items.map(transform), nextCursor: page.nextCursor?.encode()))
    }

    func noContent() -> Response { Response(status: 204) }

    /// What `body` answers, or the problem its error maps to: for answers given after the
    /// handler returned (a `Pending` one), where no caller is left to catch.
    func answer(_ body: () throws -> Response) -> Response {
        do {
            return try body()
        } catch {
            return ErrorMapping.problem(for: error, requestId: requestId, logger: services.logger).response(requestId: requestId, path: request.path)
        }
    }
}
