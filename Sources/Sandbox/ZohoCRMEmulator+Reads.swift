import Foundation
import HTTPServer

/// CRM record reads: a record by id, the module's records (v8 requires `fields`), and search by
/// `criteria`, `email`, `phone` or `word`. Lists and searches page with `page` and `per_page`
/// (at most 200) and say in `info.more_records` whether another page follows; nothing found is
/// HTTP 204 with no body, as Zoho answers.
extension ZohoCRMEmulator {
    func get(_ request: Request, _ module: ZohoCRMModule) -> Response {
        let id = request.pathParameters["id"] ?? ""
        guard let record = store.withLock({ $0.records[module.apiName]?[id] }) else {
            return Response(status: settings.missingRecordStatus)
        }
        return SandboxResponses.json(200, ["data": [record]])
    }

    func list(_ request: Request, _ module: ZohoCRMModule) -> Response {
        guard let fields = request.query["fields"], !fields.isEmpty else {
            return Self.error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", details: ["param_name": "fields"])
        }
        let wanted = Set(fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let unknown = wanted.subtracting(module.fields.map(\.apiName) + ["id", "Created_Time", "Modified_Time", "Created_By", "Modified_By"])
        if let field = unknown.first {
            return Self.error(400, "INVALID_DATA", "the field is not available", details: ["api_name": field, "param_name": "fields"])
        }
        var records = store.withLock { store in (store.order[module.apiName] ?? []).compactMap { store.records[module.apiName]?[$0] } }
        let sortBy = request.query["sort_by"] ?? "id"
        guard ["id", "Created_Time", "Modified_Time"].contains(sortBy) else {
            return Self.error(
                400, "INVALID_DATA", "invalid data", details: ["param_name": "sort_by", "supported_values": ["id", "Created_Time", "Modified_Time"]])
        }
        let descending = (request.query["sort_order"] ?? "desc") == "desc"
        records.sort { a, b in
            let x = ZohoCRMCriteria.text(a[sortBy]), y = ZohoCRMCriteria.text(b[sortBy])
            let order = ZohoCRMCriteria.compare(x, y)
            return descending ? order > 0 : order < 0
        }
        return page(records.map { record in record.filter { wanted.contains($0.key) || $0.key == "id" } }, request, extra: ["sort_by": sortBy])
    }

    func search(_ request: Request, _ module: ZohoCRMModule) -> Response {
        let query = request.query
        let matches: ([String: Any]) -> Bool
        if let text = query["criteria"] {
            let criteria: ZohoCRMCriteria
            do { criteria = try ZohoCRMCriteria.parse(text) } catch let error as ZohoCRMCriteria.SyntaxError {
                return Self.error(400, "INVALID_QUERY", "Invalid query formed", details: ["reason": error.message])
            } catch { return Self.error(400, "INVALID_QUERY", "Invalid query formed") }
            let known = Set(module.fields.map(\.apiName) + ["id", "Created_Time", "Modified_Time"])
            if let field = criteria.fieldNames.first(where: { !known.contains($0) }) {
                return Self.error(
                    400, "INVALID_QUERY", "Invalid query formed", details: ["reason": "the field is not available for search", "api_name": field])
            }
            matches = criteria.matches
        } else if let email = query["email"] {
            matches = { record in module.emailFields.contains { ZohoCRMCriteria.text(record[$0]) == email.lowercased() } }
        } else if let phone = query["phone"] {
            let digits = Self.digits(phone)
            matches = { record in module.phoneFields.contains { !digits.isEmpty && Self.digits(ZohoCRMCriteria.text(record[$0])) == digits } }
        } else if let word = query["word"] {
            guard word.count >= 2 else {
                return Self.error(400, "INVALID_QUERY", "Invalid query formed", details: ["reason": "the word must be at least 2 characters long"])
            }
            let needle = word.lowercased()
            matches = { record in
                module.fields.contains { field in field.jsonType == "string" && ZohoCRMCriteria.text(record[field.apiName]).contains(needle) }
            }
        } else {
            return Self.error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", details: ["param_name": "criteria"])
        }
        let records = store.withLock { store in (store.order[module.apiName] ?? []).compactMap { store.records[module.apiName]?[$0] } }
        return page(records.filter(matches), request, extra: [:])
    }

    /// One page of `records` by `page` and `per_page`, or 204 when there is nothing to show.
    func page(_ records: [[String: Any]], _ request: Request, extra: [String: Any]) -> Response {
        let page = request.query["page"].flatMap(Int.init) ?? 1
        let perPage = request.query["per_page"].flatMap(Int.init) ?? settings.defaultPerPage
        guard page >= 1 else { return Self.error(400, "INVALID_DATA", "invalid data", details: ["param_name": "page"]) }
        guard (1...200).contains(perPage) else {
            return Self.error(400, "INVALID_DATA", "invalid data", details: ["param_name": "per_page", "maximum_length": 200])
        }
        let start = (page - 1) * perPage
        guard start < records.count else { return Response(status: 204) }
        let slice = Array(records[start..<min(start + perPage, records.count)])
        let info = Self.info(page: page, perPage: perPage, count: slice.count, more: start + perPage < records.count).merging(extra) { $1 }
        return SandboxResponses.json(200, ["data": slice, "info": info])
    }

    static func digits(_ text: String) -> String { text.filter(\.isNumber) }
}

extension ZohoCRMCriteria {
    /// Every field the criteria names.
    var fieldNames: [String] {
        switch self {
        case .condition(let field, _, _): [field]
        case .all(let parts), .any(let parts): parts.flatMap(\.fieldNames)
        }
    }
}
