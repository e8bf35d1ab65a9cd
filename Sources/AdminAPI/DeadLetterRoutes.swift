import Foundation
import Crypto
import Domain
import HTTPServer

/// Dead letters (jobs that used their attempts or failed for good), replay of one or of a
/// filtered set, and the queue's depth per environment.
enum DeadLetterRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}"
    static let maxReplay = 1000

    static let endpoints: [Endpoint] = [
        Endpoint("GET", base + "/dead-letters", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination(decode: decodeCursor)
            let kind = try kindFilter(context.request.query["kind"])
            let (items, next) = try context.tenantTransaction {
                try $0.jobHistory.deadLetters(tenantId: tenantId, environment: environment, kind: kind, after: cursor, limit: limit)
            }
            return context.json(ListBody(items: items.map { JobBody($0) }, nextCursor: next.map(encodeCursor)))
        },
        Endpoint("POST", base + "/jobs/{jobId}/replay", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            guard let id = Int64(context.request.pathParameters["jobId"] ?? ""), id > 0 else { throw Problem.notFound("No such job.") }
            let replayed = try context.tenantTransaction { tx -> Int64 in
                guard let job = try tx.jobHistory.job(tenantId: tenantId, environment: environment, id: id) else { throw Problem.notFound("No such job.") }
                guard job.state == .dead, job.replayedBy == nil,
                    let replayed = try tx.jobHistory.replay(tenantId: tenantId, environment: environment, id: id)
                else {
                    throw Problem.conflict(
                        job.replayedBy.map { "Job \(id) was already replayed as job \($0)." }
                            ?? "Job \(id) is \(job.state.rawValue); only dead jobs are replayed.")
                }
                try context.audit(
                    tx, tenantId: tenantId, action: "job.replayed", targetType: "job", targetId: String(id),
                    details: ["environment": environment.rawValue, "replayed_as": String(replayed)])
                return replayed
            }
            return context.json(ReplayBody(replayed: [replayed]), status: 202)
        },
        Endpoint("POST", base + "/dead-letters/replay", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            var input = try JSONInput(context.request, allowed: ["kind", "since", "until"])
            let kindText = input.string("kind", required: false, maxLength: 100)
            let sinceText = input.string("since", required: false, maxLength: 40)
            let untilText = input.string("until", required: false, maxLength: 40)
            let since = sinceText.flatMap(Timestamp.parse), until = untilText.flatMap(Timestamp.parse)
            if sinceText != nil, since == nil { input.add(FieldError(field: "since", message: "must be an RFC 3339 time")) }
            if untilText != nil, until == nil { input.add(FieldError(field: "until", message: "must be an RFC 3339 time")) }
            try input.validate()
            let kind = try kindFilter(kindText)
            let replayed = try context.tenantTransaction { tx -> [Int64] in
                let ids = try tx.jobHistory.replayDead(tenantId: tenantId, environment: environment, kind: kind, since: since, until: until, limit: maxReplay)
                try context.audit(
                    tx, tenantId: tenantId, action: "dead_letters.replayed", targetType: "environment", targetId: environment.rawValue,
                    details: ["count": String(ids.count), "kind": kind?.rawValue ?? "", "since": sinceText ?? "", "until": untilText ?? ""])
                return ids
            }
            return context.json(ReplayBody(replayed: replayed), status: 202)
        },
        Endpoint("GET", "/v1/tenants/{tenantId}/queue", access: .tenant(.viewer)) { context in
            let tenantId = try context.tenantId
            let (depth, dead) = try context.tenantTransaction { tx in
                (try tx.jobs.depth(tenantId: tenantId), try tx.jobHistory.deadLetterCounts(tenantId: tenantId))
            }
            let environments = EnvironmentName.allCases.map { name in
                let row = depth.first { $0.environment == name }
                return QueueBody.Environment(
                    environment: name.rawValue, queued: row?.queued ?? 0, running: row?.running ?? 0,
                    oldestAgeSeconds: row?.oldestAgeSeconds ?? 0, deadLetters: dead[name] ?? 0)
            }
            return context.json(QueueBody(environments: environments))
        },
    ]

    static func kindFilter(_ text: String?) throws -> JobKind? {
        guard let text else { return nil }
        guard (1...100).contains(text.utf8.count), text.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 46 || $0 == 95 }) else {
            throw Problem.validation([FieldError(field: "kind", message: "is not a job kind (e.g. event.dispatch)")])
        }
        return JobKind(text)
    }

    /// `<microseconds since 1970>-<job id>`, the shape openapi.yaml gives.
    static func encodeCursor(_ cursor: (Date, Int64)) -> String { "\(PageCursor.micros(cursor.0))-\(cursor.1)" }

    static func decodeCursor(_ text: String) -> (Date, Int64)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = PageCursor.date(micros: parts[0]), let id = PageCursor.number(parts[1], maxDigits: 18) else { return nil }
        return (date, id)
    }
}

struct ReplayBody: Encodable {
    /// The new jobs' ids.
    let replayed: [Int64]
}

struct QueueBody: Encodable {
    struct Environment: Encodable {
        let environment: String
        let queued: Int
        let running: Int
        let oldestAgeSeconds: Double
        let deadLetters: Int
    }
    let environments: [Environment]
}
