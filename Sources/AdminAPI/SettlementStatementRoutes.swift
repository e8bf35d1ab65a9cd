import Foundation
import Domain
import HTTPServer

/// `POST /v1/tenants/{tenantId}/environments/{environment}/settlements/statements?connection_id=`:
/// the processor's statement or the bank's deposit file, as CSV (`date, batch, gross, fees,
/// net`), gives each settlement its actual fees, which replace the schedule's estimate; the
/// difference is the fee true-up. All rows or none: every bad row is named by line and column,
/// and a row that does not fit its settlement (no such batch, a gross other than the batch's
/// net) is a bad row.
enum SettlementStatementRoutes {
    static let path = SettlementRoutes.base + "/statements"
    static let maxRows = 5000

    static let endpoints: [Endpoint] = [Endpoint("POST", path, access: .tenant(.admin), handler: importStatement)]

    static func importStatement(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        guard let connectionId = context.request.query["connection_id"].flatMap(UUID.init(uuidString:)) else {
            throw Problem.validation([FieldError(field: "connection_id", message: "is required: the PayTrace connection whose batches the file pays")])
        }
        guard context.request.mediaType == "text/csv" else { throw Problem(status: 415, title: "Unsupported media type", detail: "Send the file as text/csv.") }
        guard let text = String(validating: context.request.body, as: UTF8.self) else { throw Problem.badRequest("The file must be UTF-8 text.") }
        let table: CSVTable
        do { table = try CSVTable(parsing: text) } catch let error as CSVTable.ParseError { throw Problem.badRequest(error.description) }
        guard !table.records.isEmpty else { throw Problem.badRequest("The file has a header and no rows.") }
        guard table.records.count <= maxRows else { throw Problem.badRequest("At most \(maxRows) rows per file; split it.") }
        let (rows, errors) = StatementRow.parse(table)
        if errors.contains(where: { $0.field.hasPrefix("header.") }) { throw Problem.validation(errors) }
        let updated = try context.tenantTransaction { tx -> [Settlement] in
            guard let connection = try tx.connections.get(tenantId: tenantId, environment: environment, id: connectionId), connection.kind == .paytrace else {
                throw Problem.validation([FieldError(field: "connection_id", message: "must name a PayTrace connection of this environment")])
            }
            var matched: [(StatementRow, Settlement)] = [], problems = errors
            for row in rows {
                guard
                    let settlement = try tx.settlements.find(
                        tenantId: tenantId, environment: environment, connectionId: connectionId, batchNumber: row.batchNumber)
                else {
                    problems.append(
                        FieldError(field: "line \(row.line).batch", message: "no settlement of batch \(row.batchNumber) on this connection; backfill it first"))
                    continue
                }
                if settlement.totals.net != row.gross {
                    problems.append(
                        FieldError(field: "line \(row.line).gross", message: "batch \(row.batchNumber)'s net is \(settlement.totals.net), not \(row.gross)"))
                }
                matched.append((row, settlement))
            }
            // Nothing is kept when any row is wrong: the file is fixed and sent whole again.
            guard problems.isEmpty else {
                throw Problem.validation(Array(problems.sorted { Self.line(of: $0) < Self.line(of: $1) }.prefix(100)))
            }
            for (row, settlement) in matched {
                try tx.settlements.recordActual(
                    tenantId: tenantId, settlementId: settlement.id, SettlementActual(statementDate: row.date, gross: row.gross, fees: row.fees, net: row.net))
            }
            try context.audit(
                tx, tenantId: tenantId, action: "settlement.statement_imported", targetType: "connection", targetId: connectionId.lowercasedString,
                details: ["rows": String(rows.count)])
            return try matched.compactMap { try tx.settlements.get(tenantId: tenantId, environment: environment, id: $0.1.id) }
        }
        return context.json(StatementImportBody(imported: updated.count, settlements: updated.map { SettlementBody($0, lines: nil) }))
    }
}

extension SettlementStatementRoutes {
    /// The line an error names (`line 7.fees`), to list them in file order.
    static func line(of error: FieldError) -> Int {
        Int(error.field.dropFirst("line ".count).prefix { $0.isNumber }) ?? 0
    }
}

struct StatementImportBody: Encodable {
    let imported: Int
    let settlements: [SettlementBody]
}
