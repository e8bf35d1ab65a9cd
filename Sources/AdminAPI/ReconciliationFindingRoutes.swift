import Foundation
import Domain
import HTTPServer

/// A reconciliation's findings: explained one by one by a person (a note, audited), and
/// exported as CSV for the bookkeeper's working papers. Repairs are `ReconciliationRepairRoutes`.
enum ReconciliationFindingRoutes {
    static let base = ReconciliationRoutes.base + "/{reconciliationId}"

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base + "/findings/{position}/explain", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("reconciliationId", resource: "reconciliation")
            guard let position = context.request.pathParameters["position"].flatMap(Int.init), position >= 0 else { throw Problem.notFound("No such finding.") }
            var input = try JSONInput(context.request, allowed: ["note"])
            let note = input.string("note", required: true, maxLength: 1000)
            if let note, note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { input.add(FieldError(field: "note", message: "must say why")) }
            try input.validate()
            let explained = try context.tenantTransaction { tx -> RecordedFinding in
                guard try tx.reconciliations.get(tenantId: tenantId, environment: environment, id: id) != nil else {
                    throw Problem.notFound("No such reconciliation.")
                }
                // A person's words may hold a card number: masked before they are kept.
                let text = CardNumberMasking.maskText(note!)
                guard
                    let explained = try tx.reconciliations.explain(tenantId: tenantId, reconciliationId: id, position: position, note: text, by: context.actor)
                else {
                    throw Problem.notFound("No such difference: the finding does not exist or it matched.")
                }
                try context.audit(
                    tx, tenantId: tenantId, action: "reconciliation.difference_explained", targetType: "reconciliation", targetId: id.lowercasedString,
                    details: ["position": String(position), "category": explained.finding.category.rawValue])
                return explained
            }
            return context.json(FindingBody(explained))
        },
        Endpoint("GET", base + "/findings.csv", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("reconciliationId", resource: "reconciliation")
            let findings = try context.tenantTransaction { tx -> [RecordedFinding]? in
                guard try tx.reconciliations.get(tenantId: tenantId, environment: environment, id: id) != nil else { return nil }
                return try tx.reconciliations.findings(tenantId: tenantId, reconciliationId: id, category: nil)
            }
            guard let findings else { throw Problem.notFound("No such reconciliation.") }
            let header = [
                "position", "system", "category", "transaction_id", "paytrace_amount", "ledger_id", "ledger_amount", "note", "explanation", "explained_by",
            ]
            let rows = findings.map(FindingBody.init).map { f in
                [
                    String(f.position), f.system, f.category, f.transactionId ?? "", f.paytraceAmount ?? "", f.ledgerId ?? "", f.ledgerAmount ?? "", f.note,
                    f.explanation ?? "", f.explainedBy ?? "",
                ]
            }
            let text = ([header] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
            return Response(
                status: 200,
                headers: [
                    ("Content-Type", "text/csv; charset=utf-8"), ("Content-Disposition", "attachment; filename=\"reconciliation-\(id.lowercasedString).csv\""),
                ], body: Array(text.utf8))
        },
    ]

    /// RFC 4180: quoted when it holds a comma, quote or line break; a leading =, +, - or @ is
    /// prefixed with ' so a spreadsheet does not run it as a formula.
    static func csvField(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first), Decimal(string: text) == nil { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
