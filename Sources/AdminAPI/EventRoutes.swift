import Foundation
import Crypto
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/events`: what arrived, newest first, and
/// one event with its jobs and their attempts. Payloads are stored with card numbers masked;
/// attempt summaries are scrubbed before they are written.
enum EventRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/events"
    static let statuses = EventStatus.allCases.map(\.rawValue)

    static let endpoints: [Endpoint] = [
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let filter = try filter(context)
            let page = try context.tenantTransaction {
                try $0.events.list(tenantId: tenantId, environment: environment, filter: filter, after: cursor, limit: limit)
            }
            return context.list(page, EventSummaryBody.init)
        },
        Endpoint("GET", base + "/{eventId}", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("eventId", resource: "event")
            let (body, payload) = try context.tenantTransaction { tx -> (EventBody, String) in
                guard let event = try tx.events.get(tenantId: tenantId, environment: environment, id: id) else { throw Problem.notFound("No such event.") }
                let jobs = try tx.jobHistory.jobs(tenantId: tenantId, eventId: id)
                let attempts = try tx.jobHistory.attempts(tenantId: tenantId, jobIds: jobs.map(\.id))
                return (EventBody(event, jobs: jobs, attempts: attempts), event.payload)
            }
            // The payload as PostgreSQL keeps it (jsonb: every number exact), not re-encoded.
            return Response(
                status: 200, headers: Response.jsonHeaders,
                body: JSONCoding.encode(body, placeholder: body.payload, document: payload))
        },
    ]

    static func filter(_ context: RequestContext) throws -> EventFilter {
        let query = context.request.query
        var errors: [FieldError] = []
        var filter = EventFilter()
        if let source = query["source"] {
            if WebhookEndpointRoutes.isSourceName(source) {
                filter.source = source
            } else {
                errors.append(FieldError(field: "source", message: "is not a source name"))
            }
        }
        if let status = query["status"] {
            if let known = EventStatus(rawValue: status) {
                filter.status = known
            } else {
                errors.append(FieldError(field: "status", message: "must be one of: \(statuses.joined(separator: ", "))"))
            }
        }
        for (name, keyPath) in [("since", \EventFilter.since), ("until", \EventFilter.until)] as [(String, WritableKeyPath<EventFilter, Date?>)] {
            guard let text = query[name] else { continue }
            if let date = Timestamp.parse(text) {
                filter[keyPath: keyPath] = date
            } else {
                errors.append(FieldError(field: name, message: "must be an RFC 3339 time, e.g. 2026-11-22T08:00:00Z"))
            }
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        return filter
    }
}

struct EventSummaryBody: Encodable {
    let id: String
    let source: String
    let vendorEventId: String
    let type: String
    let status: String
    let endpointId: String?
    let receivedAt: Date

    init(_ e: Event) {
        id = e.id.lowercasedString; source = e.source; vendorEventId = e.vendorEventId; type = e.type; status = e.status.rawValue
        endpointId = e.endpointId?.lowercasedString; receivedAt = e.receivedAt
    }
}

struct EventBody: Encodable {
    let id: String
    let environment: String
    let source: String
    let vendorEventId: String
    let type: String
    let status: String
    let endpointId: String?
    let receivedAt: Date
    /// Stands for the stored payload until `JSONCoding.encode(_:placeholder:document:)` puts it in.
    let payload: String
    let jobs: [JobBody]

    init(_ e: Event, jobs: [JobRecord], attempts: [JobAttempt]) {
        id = e.id.lowercasedString; environment = e.environment.rawValue; source = e.source; vendorEventId = e.vendorEventId; type = e.type
        status = e.status.rawValue; endpointId = e.endpointId?.lowercasedString; receivedAt = e.receivedAt
        payload = "clearline.payload.\(UUID().lowercasedString)"
        self.jobs = jobs.map { job in JobBody(job, attempts: attempts.filter { $0.jobId == job.id }) }
    }
}

struct JobBody: Encodable {
    let id: Int64
    let runId: String
    let eventId: String?
    let kind: String
    let state: String
    let attempts: Int
    let lastError: String?
    let createdAt: Date
    let finishedAt: Date?
    let replayedBy: Int64?
    let attemptLog: [AttemptBody]?

    init(_ j: JobRecord, attempts: [JobAttempt]? = nil) {
        id = j.id; runId = j.runId.lowercasedString; eventId = j.eventId?.lowercasedString; kind = j.kind.rawValue; state = j.state.rawValue
        self.attempts = j.attempts; lastError = j.lastError; createdAt = j.createdAt; finishedAt = j.finishedAt; replayedBy = j.replayedBy
        attemptLog = attempts?.map(AttemptBody.init)
    }
}

struct AttemptBody: Encodable {
    let attempt: Int
    let worker: String
    let startedAt: Date
    let finishedAt: Date?
    let outcome: String?
    let error: String?
    let summary: JSONValue?

    init(_ a: JobAttempt) {
        attempt = a.attempt; worker = a.worker; startedAt = a.startedAt; finishedAt = a.finishedAt; outcome = a.outcome?.rawValue; error = a.error
        summary = a.summary.flatMap(JSONValue.init(parsing:))
    }
}
