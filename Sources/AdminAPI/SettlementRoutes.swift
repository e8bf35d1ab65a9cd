import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/settlements`: PayTrace batches as settled,
/// each with its lines and expected fees, recorded by the poller as batches settle and on demand
/// for a range of days (`POST …/settlements/backfill`, a job in the queue).
enum SettlementRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/settlements"
    /// A backfill reads at most this many days at once: a quarter.
    static let maxBackfillDays = 93

    static let endpoints: [Endpoint] = [
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            var errors: [FieldError] = []
            let from = day(context.request.query["settled_from"], field: "settled_from", &errors)
            let to = day(context.request.query["settled_to"], field: "settled_to", &errors)
            guard errors.isEmpty else { throw Problem.validation(errors) }
            let page = try context.tenantTransaction {
                try $0.settlements.list(tenantId: tenantId, environment: environment, settledFrom: from, settledTo: to, after: cursor, limit: limit)
            }
            return context.list(page) { SettlementBody($0, lines: nil) }
        },
        Endpoint("GET", base + "/{settlementId}", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("settlementId", resource: "settlement")
            let found = try context.tenantTransaction { tx -> (Settlement, [SettlementLine], [SettlementPosting])? in
                guard let settlement = try tx.settlements.get(tenantId: tenantId, environment: environment, id: id) else { return nil }
                return (
                    settlement, try tx.settlements.lines(tenantId: tenantId, settlementId: id),
                    try tx.settlements.postings(tenantId: tenantId, settlementId: id)
                )
            }
            guard let (settlement, lines, postings) = found else { throw Problem.notFound("No such settlement.") }
            return context.json(SettlementBody(settlement, lines: lines, postings: postings))
        },
        Endpoint("POST", base + "/{settlementId}/post", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("settlementId", resource: "settlement")
            let job = try context.tenantTransaction { tx -> Int64 in
                guard try tx.settlements.get(tenantId: tenantId, environment: environment, id: id) != nil else { throw Problem.notFound("No such settlement.") }
                let ids = try tx.jobs.enqueue(
                    [
                        NewJob(
                            tenantId: tenantId, environment: environment, kind: .settlementPosting,
                            payload: JSONValue.object(["settlement_id": .string(id.lowercasedString)]).canonicalText,
                            orderingKey: "settlement:\(id.lowercasedString)",
                            maxAttempts: Reconciliation.jobAttempts)
                    ], skippingConflicts: false)
                try context.audit(tx, tenantId: tenantId, action: "settlement.post_requested", targetType: "settlement", targetId: id.lowercasedString)
                return ids.first ?? 0
            }
            return context.json(PostingJobBody(jobId: String(job), settlementId: id.lowercasedString), status: 202)
        },
        Endpoint("POST", base + "/backfill", access: .tenant(.admin), handler: backfill),
    ]

    /// Queues a `settlement.backfill` job for a PayTrace connection and a range of days.
    static func backfill(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        var input = try JSONInput(context.request, allowed: ["connection_id", "from", "to"])
        let connection = input.string("connection_id", required: true, maxLength: 36)
        var errors: [FieldError] = []
        let from = day(input.string("from", required: true, maxLength: 10), field: "from", &errors)
        let to = day(input.string("to", required: true, maxLength: 10), field: "to", &errors)
        for error in errors { input.add(error) }
        let connectionId = connection.flatMap(UUID.init(uuidString:))
        if connection != nil, connectionId == nil { input.add(FieldError(field: "connection_id", message: "must be a connection id")) }
        if let from, let to, let start = Timestamp.day(from), let end = Timestamp.day(to) {
            if end < start { input.add(FieldError(field: "to", message: "must not be before from")) }
            if end.timeIntervalSince(start) / 86_400 >= Double(maxBackfillDays) {
                input.add(FieldError(field: "to", message: "must be within \(maxBackfillDays) days of from; backfill a long period in parts"))
            }
        }
        try input.validate()
        let job = try context.tenantTransaction { tx -> Int64 in
            guard let found = try tx.connections.get(tenantId: tenantId, environment: environment, id: connectionId!), found.kind == .paytrace else {
                throw Problem.validation([FieldError(field: "connection_id", message: "must name a PayTrace connection of this environment")])
            }
            let payload = JSONValue.object(["connection_id": .string(connectionId!.lowercasedString), "from": .string(from!), "to": .string(to!)])
            let ids = try tx.jobs.enqueue(
                [
                    NewJob(
                        tenantId: tenantId, environment: environment, kind: .settlementBackfill, payload: payload.canonicalText,
                        maxAttempts: Reconciliation.jobAttempts)
                ],
                skippingConflicts: false)
            try context.audit(
                tx, tenantId: tenantId, action: "settlement.backfill_requested", targetType: "connection", targetId: connectionId!.lowercasedString,
                details: ["from": from!, "to": to!])
            return ids.first ?? 0
        }
        return context.json(BackfillBody(jobId: String(job), connectionId: connectionId!.lowercasedString, from: from!, to: to!), status: 202)
    }

    /// A day, `yyyy-MM-dd`, or nil when absent; a malformed one adds an error.
    static func day(_ text: String?, field: String, _ errors: inout [FieldError]) -> String? {
        guard let text else { return nil }
        guard Timestamp.day(text) != nil else {
            errors.append(FieldError(field: field, message: "must be a day, yyyy-MM-dd"))
            return nil
        }
        return text
    }
}

struct PostingJobBody: Encodable {
    let jobId: String
    let settlementId: String
}

struct BackfillBody: Encodable {
    let jobId: String
    let connectionId: String
    let from: String
    let to: String
}

struct SettlementBody: Encodable {
    struct Line: Encodable {
        let transactionId: String
        let transactionType: String
        let amount: String
        let cardBrand: String
        let maskedCardNumber: String
        let invoiceId: String?
        let customerId: String?
        let expectedFee: String
    }

    let id: String
    let environment: String
    let connectionId: String
    let batchNumber: Int
    let settledAt: String
    let settledOn: String
    let currency: String
    let salesCount: Int
    let salesAmount: String
    let refundCount: Int
    let refundAmount: String
    let net: String
    let fees: String
    let deposit: String
    /// Once the statement is imported: its day, the fees actually taken and the net deposited,
    /// and the true-up (actual less expected fees).
    let statementDate: String?
    let actualFees: String?
    let actualDeposit: String?
    let feeTrueUp: String?
    /// Only with the lines: the fees by card brand, which add up to `fees`.
    let feesByBrand: [String: String]?
    let lines: [Line]?
    /// Only with the lines: the journals posted for it, per ledger and kind.
    let postings: [Posting]?
    let createdAt: Date

    struct Posting: Encodable {
        let system: String
        let kind: String
        let amount: String
        let targetId: String?
        let postedAt: Date
    }

    init(_ settlement: Settlement, lines: [SettlementLine]?, postings: [SettlementPosting]? = nil) {
        let totals = settlement.totals, currency = settlement.currency
        func money(_ value: Decimal) -> String { Money(amount: value, currency: currency)?.formatted ?? "\(value)" }
        id = settlement.id.lowercasedString
        environment = settlement.environment.rawValue
        connectionId = settlement.connectionId.lowercasedString
        batchNumber = settlement.batchNumber
        settledAt = settlement.settledAt
        settledOn = settlement.settledOn
        self.currency = currency
        salesCount = totals.salesCount
        salesAmount = money(totals.salesAmount)
        refundCount = totals.refundCount
        refundAmount = money(totals.refundAmount)
        net = money(totals.net)
        fees = money(totals.fees)
        deposit = money(totals.deposit)
        statementDate = settlement.actual?.statementDate
        actualFees = settlement.actual.map { money($0.fees) }
        actualDeposit = settlement.actual.map { money($0.net) }
        feeTrueUp = settlement.actual.map { money($0.trueUp(expected: totals.fees)) }
        feesByBrand = lines.map { _ in Dictionary(uniqueKeysWithValues: totals.feesByBrand.map { ($0.key.rawValue, money($0.value)) }) }
        self.lines = lines?.map { line in
            Line(
                transactionId: String(line.transactionId), transactionType: line.type, amount: money(line.amount), cardBrand: line.cardBrand.rawValue,
                maskedCardNumber: line.maskedCardNumber, invoiceId: line.invoiceId, customerId: line.customerId, expectedFee: money(line.expectedFee))
        }
        self.postings = postings?.map {
            Posting(system: $0.system, kind: $0.kind.rawValue, amount: money($0.amount), targetId: $0.targetId, postedAt: $0.postedAt)
        }
        createdAt = settlement.createdAt
    }
}
