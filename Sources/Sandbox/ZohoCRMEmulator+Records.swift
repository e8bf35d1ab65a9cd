import Foundation
import HTTPServer

/// CRM record writes (insert, update, upsert, delete): a body of `{"data":[…]}` with 1 to 100
/// records, each answered in `data[]` in the order sent. Insert checks mandatory fields and the
/// module's duplicate-check field (DUPLICATE_DATA); upsert matches on `duplicate_check_fields`
/// or, when none are sent, the system-defined ones (reference section 4.2).
extension ZohoCRMEmulator {
    /// The records of a write body, or the error that refuses the whole request.
    func records(_ request: Request) -> (records: [[String: Any]], body: [String: Any])? {
        guard let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any],
            let records = body["data"] as? [[String: Any]], !records.isEmpty
        else { return nil }
        return (records, body)
    }

    func write(_ request: Request, _ perform: ([[String: Any]], [String: Any], inout Store) -> [[String: Any]], successStatus: Int) -> Response {
        guard let (records, body) = records(request) else {
            return Self.error(400, "INVALID_DATA", "invalid data", details: ["expected_data_type": "jsonarray", "api_name": "data"])
        }
        guard records.count <= 100 else {
            return Self.error(400, "LIMIT_EXCEEDED", "the number of records exceeds the limit of 100", details: ["limit": 100])
        }
        let outcomes = store.withLock { perform(records, body, &$0) }
        let failed = outcomes.contains { $0["status"] as? String == "error" }
        return SandboxResponses.json(failed ? settings.partialFailureStatus : successStatus, ["data": outcomes])
    }

    func insert(_ request: Request, _ module: ZohoCRMModule) -> Response {
        write(
            request,
            { records, _, store in
                records.enumerated().map { index, record in insertOne(record, at: index, module, &store) }
            }, successStatus: 201)
    }

    func update(_ request: Request, _ module: ZohoCRMModule, id pathId: String?) -> Response {
        write(
            request,
            { records, _, store in
                records.enumerated().map { index, record in
                    guard let id = pathId ?? Self.id(record["id"]) else {
                        return Self.recordError("MANDATORY_NOT_FOUND", "required field not found", ["api_name": "id", "json_path": "$.data[\(index)].id"])
                    }
                    return updateOne(id, with: record, at: index, module, &store)
                }
            }, successStatus: 200)
    }

    func upsert(_ request: Request, _ module: ZohoCRMModule) -> Response {
        write(
            request,
            { records, body, store in
                let sent = (body["duplicate_check_fields"] as? [String]) ?? []
                let keys = sent.isEmpty ? module.duplicateCheckFields : sent
                return records.enumerated().map { index, record in
                    for key in keys {
                        if let id = existing(module, field: key, value: record[key], in: store) {
                            var outcome = updateOne(id, with: record, at: index, module, &store)
                            if outcome["status"] as? String == "success" {
                                outcome["action"] = "update"
                                outcome["duplicate_field"] = key
                            }
                            return outcome
                        }
                    }
                    var outcome = insertOne(record, at: index, module, &store)
                    if outcome["status"] as? String == "success" {
                        outcome["action"] = "insert"
                        outcome["duplicate_field"] = NSNull()
                    }
                    return outcome
                }
            }, successStatus: 200)
    }

    func delete(_ module: ZohoCRMModule, ids: [String]) -> Response {
        guard !ids.isEmpty else { return Self.error(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", details: ["param_name": "ids"]) }
        guard ids.count <= 100 else { return Self.error(400, "LIMIT_EXCEEDED", "the number of records exceeds the limit of 100", details: ["limit": 100]) }
        let outcomes: [[String: Any]] = store.withLock { store in
            ids.map { id in
                guard store.records[module.apiName]?.removeValue(forKey: id) != nil else {
                    return Self.recordError("INVALID_DATA", "the id given seems to be invalid", ["id": id])
                }
                store.order[module.apiName]?.removeAll { $0 == id }
                return ["code": "SUCCESS", "details": ["id": id], "message": "record deleted", "status": "success"]
            }
        }
        let failed = outcomes.contains { $0["status"] as? String == "error" }
        return SandboxResponses.json(failed ? settings.partialFailureStatus : 200, ["data": outcomes])
    }

    func insertOne(_ record: [String: Any], at index: Int, _ module: ZohoCRMModule, _ store: inout Store) -> [String: Any] {
        if let missing = module.mandatory.first(where: { ZohoCRMCriteria.text(record[$0]).isEmpty }) {
            return Self.recordError("MANDATORY_NOT_FOUND", "required field not found", ["api_name": missing, "json_path": "$.data[\(index)].\(missing)"])
        }
        if let duplicate = duplicate(of: record, in: module, excluding: nil, at: index, store) { return duplicate }
        store.next += 1
        let id = String(store.next)
        let now = Self.now()
        let user: [String: Any] = ["id": Self.currentUser["id"]!, "name": Self.currentUser["full_name"]!, "email": Self.currentUser["email"]!]
        var stored = record
        stored["id"] = id
        stored["Created_Time"] = now
        stored["Modified_Time"] = now
        stored["Created_By"] = user
        stored["Modified_By"] = user
        if stored["Owner"] == nil { stored["Owner"] = user }
        store.records[module.apiName, default: [:]][id] = stored
        store.order[module.apiName, default: []].append(id)
        return [
            "code": "SUCCESS", "status": "success", "message": "record added",
            "details": ["id": id, "Created_Time": now, "Modified_Time": now, "Created_By": user, "Modified_By": user],
        ]
    }

    func updateOne(_ id: String, with changes: [String: Any], at index: Int, _ module: ZohoCRMModule, _ store: inout Store) -> [String: Any] {
        guard var stored = store.records[module.apiName]?[id] else {
            return Self.recordError("INVALID_DATA", "the id given seems to be invalid", ["api_name": "id", "json_path": "$.data[\(index)].id"])
        }
        if let emptied = module.mandatory.first(where: { changes[$0] != nil && ZohoCRMCriteria.text(changes[$0]).isEmpty }) {
            return Self.recordError("MANDATORY_NOT_FOUND", "required field not found", ["api_name": emptied, "json_path": "$.data[\(index)].\(emptied)"])
        }
        if let duplicate = duplicate(of: changes, in: module, excluding: id, at: index, store) { return duplicate }
        let now = Self.now()
        for (key, value) in changes where !["id", "Created_Time", "Created_By"].contains(key) { stored[key] = value }
        stored["Modified_Time"] = now
        store.records[module.apiName]?[id] = stored
        return [
            "code": "SUCCESS", "status": "success", "message": "record updated",
            "details": [
                "id": id, "Created_Time": stored["Created_Time"] ?? now, "Modified_Time": now, "Created_By": stored["Created_By"] ?? [:],
                "Modified_By": stored["Modified_By"] ?? [:],
            ],
        ]
    }

    /// DUPLICATE_DATA when a duplicate-check field of `record` repeats another record's value.
    func duplicate(of record: [String: Any], in module: ZohoCRMModule, excluding: String?, at index: Int, _ store: Store) -> [String: Any]? {
        for field in module.duplicateCheckFields {
            guard let other = existing(module, field: field, value: record[field], in: store), other != excluding else { continue }
            return Self.recordError(
                "DUPLICATE_DATA", "duplicate data",
                [
                    "api_name": field, "json_path": "$.data[\(index)].\(field)",
                    "duplicate_record": [
                        "id": other, "module": ["api_name": module.apiName, "id": module.id],
                        "Owner": ["id": Self.currentUser["id"]!, "name": Self.currentUser["full_name"]!],
                    ],
                ])
        }
        return nil
    }

    /// The id of the record whose `field` equals `value` (case-insensitively), if any.
    func existing(_ module: ZohoCRMModule, field: String, value: Any?, in store: Store) -> String? {
        let wanted = ZohoCRMCriteria.text(value)
        guard !wanted.isEmpty else { return nil }
        // The module's records looked up once, not once per record scanned.
        let records = store.records[module.apiName] ?? [:]
        return (store.order[module.apiName] ?? []).first { ZohoCRMCriteria.text(records[$0]?[field]) == wanted }
    }

    static func id(_ value: Any?) -> String? {
        switch value {
        case let text as String where !text.isEmpty: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    static func recordError(_ code: String, _ message: String, _ details: [String: Any]) -> [String: Any] {
        ["code": code, "details": details, "message": message, "status": "error"]
    }
}
