import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/chargebacks`: PayTrace has no chargeback
/// API, so the merchant enters each case (one at a time or a CSV of many). Each becomes a dispute
/// record, an event that the deployed chargeback flow turns into a reversal, and an alert.
enum ChargebackRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/chargebacks"
    static let maxImportRows = 5000

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base, access: .tenant(.admin), idempotent: true, handler: create),
        Endpoint("POST", base + "/import", access: .tenant(.admin), handler: importCSV),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let status = context.request.query["status"]
            if let status, !["open", "won", "lost"].contains(status) {
                throw Problem.validation([FieldError(field: "status", message: "must be one of: open, won, lost")])
            }
            let page = try context.tenantTransaction {
                try $0.disputes.list(tenantId: tenantId, environment: environment, status: status, after: cursor, limit: limit)
            }
            return context.list(page) { DisputeBody($0, runs: nil) }
        },
        Endpoint("GET", base + "/{disputeId}", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("disputeId", resource: "chargeback")
            let (dispute, runs) = try context.tenantTransaction { tx -> (Dispute?, [Run]) in
                guard let dispute = try tx.disputes.get(tenantId: tenantId, environment: environment, id: id) else { return (nil, []) }
                return (dispute, try tx.runs.forEvent(tenantId: tenantId, eventId: dispute.eventId))
            }
            guard let dispute else { throw Problem.notFound("No such chargeback.") }
            return context.json(DisputeBody(dispute, runs: runs.map { RunBody($0, steps: nil) }))
        },
        Endpoint("POST", base + "/{disputeId}/resolve", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("disputeId", resource: "chargeback")
            var input = try JSONInput(context.request, allowed: ["outcome"])
            let outcome = input.string("outcome", required: true, maxLength: 10)
            if let outcome, !["won", "lost"].contains(outcome) { input.add(FieldError(field: "outcome", message: "must be won or lost")) }
            if !input.errors.isEmpty { throw Problem.validation(input.errors) }
            let dispute = try context.tenantTransaction { tx -> Dispute in
                guard let current = try tx.disputes.get(tenantId: tenantId, environment: environment, id: id) else {
                    throw Problem.notFound("No such chargeback.")
                }
                guard current.status == "open" else {
                    throw Problem.conflict("Chargeback \(current.chargeback.caseNumber) was already resolved as \(current.status).")
                }
                let resolved = try tx.disputes.resolve(tenantId: tenantId, environment: environment, id: id, status: outcome!)!
                try context.audit(
                    tx, tenantId: tenantId, action: "chargeback.resolved", targetType: "dispute", targetId: id.lowercasedString,
                    details: ["outcome": outcome!, "case_number": current.chargeback.caseNumber])
                return resolved
            }
            return context.json(DisputeBody(dispute, runs: nil))
        },
    ]

    static func create(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        var input = try JSONInput(context.request, allowed: Set(Chargeback.fields))
        var values: [String: String] = [:]
        for field in Chargeback.fields { values[field] = input.string(field, required: false, maxLength: 400) }
        let (chargeback, errors) = Chargeback.parse(values)
        for error in errors where !input.errors.contains(where: { $0.field == error.field }) { input.add(error) }
        guard input.errors.isEmpty, let chargeback else { throw Problem.validation(input.errors) }
        let outcome = try context.tenantTransaction { tx -> DisputeEntry in
            let outcome = try tx.disputes.record(tenantId: tenantId, environment: environment, chargeback, via: "api", firstJob: .eventDispatch)
            if case .created(let dispute) = outcome {
                try context.audit(
                    tx, tenantId: tenantId, action: "chargeback.entered", targetType: "dispute", targetId: dispute.id.lowercasedString,
                    details: ["case_number": chargeback.caseNumber, "via": "api"])
            }
            return outcome
        }
        switch outcome {
        case .created(let dispute):
            var response = context.json(DisputeBody(dispute, runs: nil), status: 201)
            response.setHeader(
                "Location", "/v1/tenants/\(tenantId.lowercasedString)/environments/\(environment.rawValue)/chargebacks/\(dispute.id.lowercasedString)")
            return response
        case .existing(let dispute): return context.json(DisputeBody(dispute, runs: nil))
        case .conflicting(let dispute):
            throw Problem.conflict(
                "Chargeback \(dispute.chargeback.caseNumber) was already entered with other facts (amount \(dispute.chargeback.amount) "
                    + "\(dispute.chargeback.currency), customer \(dispute.chargeback.customerId)); a case is entered once.")
        }
    }

    /// A CSV whose header names the fields (any order; `fee`, `currency` and `transaction_id`
    /// may be left out). All or nothing: one bad row and nothing is entered, and every bad row
    /// is named by its line, so the file can be fixed and sent again. Rows already entered with
    /// the same facts are counted, not entered twice.
    static func importCSV(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        guard context.request.mediaType == "text/csv" else { throw Problem(status: 415, title: "Unsupported media type", detail: "Send the file as text/csv.") }
        guard let text = String(validating: context.request.body, as: UTF8.self) else { throw Problem.badRequest("The file must be UTF-8 text.") }
        let table: CSVTable
        do { table = try CSVTable(parsing: text) } catch let error as CSVTable.ParseError { throw Problem.badRequest(error.description) }
        let unknown = table.header.filter { !Chargeback.fields.contains($0) }
        let missing = Chargeback.required.subtracting(table.header).sorted()
        guard unknown.isEmpty, missing.isEmpty else {
            throw Problem.validation(
                unknown.map { FieldError(field: "header.\($0)", message: "is not a chargeback field") }
                    + missing.map { FieldError(field: "header.\($0)", message: "is a required column") })
        }
        guard !table.records.isEmpty else { throw Problem.badRequest("The file has a header and no chargebacks.") }
        guard table.records.count <= maxImportRows else { throw Problem.badRequest("At most \(maxImportRows) chargebacks per file; split it.") }
        var chargebacks: [(line: Int, Chargeback)] = [], errors: [FieldError] = [], seen: [String: Int] = [:]
        for (line, values) in table.dictionaries {
            let (chargeback, rowErrors) = Chargeback.parse(values, prefix: "line \(line).")
            errors += rowErrors
            guard let chargeback else { continue }
            if let first = seen[chargeback.caseNumber] {
                errors.append(FieldError(field: "line \(line).case_number", message: "repeats line \(first)'s case"))
            }
            seen[chargeback.caseNumber] = line
            chargebacks.append((line, chargeback))
        }
        guard errors.isEmpty else { throw Problem.validation(Array(errors.prefix(100))) }
        let result = try context.tenantTransaction { tx -> ImportBody in
            var created: [DisputeBody] = [], existing = 0, conflicts: [FieldError] = []
            for (line, chargeback) in chargebacks {
                switch try tx.disputes.record(tenantId: tenantId, environment: environment, chargeback, via: "csv", firstJob: .eventDispatch) {
                case .created(let dispute): created.append(DisputeBody(dispute, runs: nil))
                case .existing: existing += 1
                case .conflicting(let earlier):
                    conflicts.append(
                        FieldError(field: "line \(line).case_number", message: "was already entered with other facts (amount \(earlier.chargeback.amount))"))
                }
            }
            // Nothing is committed when any row conflicts: the file is fixed and sent whole again.
            guard conflicts.isEmpty else { throw Problem.validation(Array(conflicts.prefix(100))) }
            try context.audit(
                tx, tenantId: tenantId, action: "chargeback.imported", targetType: "environment", targetId: environment.rawValue,
                details: ["created": String(created.count), "already_entered": String(existing)])
            return ImportBody(created: created.count, alreadyEntered: existing, chargebacks: created)
        }
        return context.json(result, status: result.created > 0 ? 201 : 200)
    }
}

struct DisputeBody: Encodable {
    let id: String
    let environment: String
    let caseNumber: String
    let transactionId: String?
    let customerId: String
    let amount: String
    let fee: String
    let currency: String
    let reason: String
    let receivedAt: Date
    let status: String
    let enteredVia: String
    let eventId: String
    let runs: [RunBody]?
    let createdAt: Date

    init(_ dispute: Dispute, runs: [RunBody]?) {
        let chargeback = dispute.chargeback
        id = dispute.id.lowercasedString
        environment = dispute.environment.rawValue
        caseNumber = chargeback.caseNumber
        transactionId = chargeback.transactionId
        customerId = chargeback.customerId
        amount = Money(amount: chargeback.amount, currency: chargeback.currency)?.formatted ?? "\(chargeback.amount)"
        fee = Money(amount: chargeback.fee, currency: chargeback.currency)?.formatted ?? "\(chargeback.fee)"
        currency = chargeback.currency
        reason = chargeback.reason
        receivedAt = chargeback.receivedAt
        status = dispute.status
        enteredVia = dispute.enteredVia
        eventId = dispute.eventId.lowercasedString
        self.runs = runs
        createdAt = dispute.createdAt
    }
}

struct ImportBody: Encodable {
    let created: Int
    let alreadyEntered: Int
    let chargebacks: [DisputeBody]
}
