import Foundation
import Crypto
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/flows/{flowId}/versions`: publishing freezes the draft as the next
/// numbered version, runs its fixtures and stores their verdict; versions never change. Diff
/// and preview work on any version, and preview also on the draft.
enum FlowVersionRoutes {
    static let base = FlowRoutes.base + "/{flowId}/versions"

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base, access: .tenant(.admin), handler: publish),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let flow = try FlowRoutes.find(context)
            let (before, limit) = try context.pagination(decode: FlowVersionRoutes.versionNumber)
            let page = try context.tenantTransaction { try $0.flows.versions(tenantId: flow.tenantId, flowId: flow.id, before: before, limit: limit) }
            return context.json(ListBody(items: page.items.map { VersionBody($0, includeDefinition: false) }, nextCursor: page.next.map(String.init)))
        },
        Endpoint("GET", base + "/{version}", access: .tenant(.viewer)) { context in
            let (_, version) = try find(context)
            return context.json(VersionBody(version, includeDefinition: true))
        },
        Endpoint("GET", base + "/{version}/diff", access: .tenant(.viewer), handler: diff),
        Endpoint("POST", base + "/{version}/preview", access: .tenant(.viewer), handler: preview),
    ]

    static func number(_ context: RequestContext) throws -> Int {
        guard let text = context.request.pathParameters["version"], let number = Self.versionNumber(text) else {
            throw Problem.notFound("No such version: versions are numbered from 1 (preview also takes \"draft\").")
        }
        return number
    }

    /// A version number PostgreSQL's integer holds; anything else names no version.
    static func versionNumber(_ text: String) -> Int? {
        guard let number = Int(text), (1...Int(Int32.max)).contains(number) else { return nil }
        return number
    }

    static func find(_ context: RequestContext) throws -> (StoredFlow, FlowVersion) {
        let flow = try FlowRoutes.find(context)
        let number = try number(context)
        guard let version = try context.tenantTransaction({ try $0.flows.version(tenantId: flow.tenantId, flowId: flow.id, version: number) }) else {
            throw Problem.notFound("Flow \(flow.name) has no version \(number).")
        }
        return (flow, version)
    }

    static func json(_ text: String) -> JSONValue { JSONValue(parsing: text) ?? .null }

    static func publish(_ context: RequestContext) throws -> Response {
        let flow = try FlowRoutes.find(context)
        var input = context.request.body.isEmpty ? nil : try JSONInput(context.request, allowed: ["notes", "revision"])
        let notes = input?.string("notes", required: false, maxLength: 2000) ?? ""
        let revision = input?.integer("revision", required: false, range: 1...Int(Int32.max))
        try input?.validate()
        let version = try context.tenantTransaction { tx -> FlowVersion in
            guard let locked = try tx.flows.get(tenantId: flow.tenantId, id: flow.id, forUpdate: true) else { throw Problem.notFound("No such flow.") }
            if let revision, revision != locked.draftRevision {
                throw Problem.conflict("The draft changed since revision \(revision) (it is now \(locked.draftRevision)); review it before publishing.")
            }
            let definition = try FlowRoutes.checked(json(locked.draft))
            let checksum = Encoding.hex(Digest.sha256(definition.canonicalJSON))
            if let latest = locked.latestVersion, let previous = try tx.flows.version(tenantId: locked.tenantId, flowId: locked.id, version: latest),
                previous.checksum == checksum
            {
                throw Problem.conflict("The draft is identical to version \(latest); edit it before publishing.")
            }
            let results = definition.runFixtures()
            let published = try tx.flows.publish(
                flow: locked, definition: String(decoding: definition.canonicalJSON, as: UTF8.self), checksum: checksum,
                fixturesPassed: results.allSatisfy(\.passed), fixtureResults: String(decoding: JSONCoding.encode(results), as: UTF8.self),
                notes: notes, actor: context.actor)
            try context.audit(
                tx, tenantId: locked.tenantId, action: "flow.version_published", targetType: "flow", targetId: locked.id.lowercasedString,
                details: ["version": String(published.version), "checksum": checksum, "fixtures_passed": String(published.fixturesPassed)])
            return published
        }
        var response = context.json(VersionBody(version, includeDefinition: true), status: 201)
        response.setHeader("Location", "/v1/tenants/\(flow.tenantId.lowercasedString)/flows/\(flow.id.lowercasedString)/versions/\(version.version)")
        return response
    }

    /// `?against=N` (default: the version before; for version 1, nothing, so every field is
    /// new): what changed, field by field.
    static func diff(_ context: RequestContext) throws -> Response {
        let (flow, version) = try find(context)
        let againstText = context.request.query["against"]
        let against: Int
        if let againstText {
            guard let number = versionNumber(againstText) else { throw Problem.validation([FieldError(field: "against", message: "must be a version number")]) }
            against = number
        } else {
            guard version.version > 1 else {
                let changes = JSONDiff.changes(from: .object([:]), to: json(version.definition))
                return context.json(DiffBody(from: 0, to: version.version, changes: changes))
            }
            against = version.version - 1
        }
        guard let base = try context.tenantTransaction({ try $0.flows.version(tenantId: flow.tenantId, flowId: flow.id, version: against) }) else {
            throw Problem.notFound("Flow \(flow.name) has no version \(against).")
        }
        let changes = JSONDiff.changes(from: json(base.definition), to: json(version.definition))
        return context.json(DiffBody(from: against, to: version.version, changes: changes))
    }

    /// Runs a version (or "draft") against a stored event (`event_id` and `environment`) or a
    /// posted `sample`, and answers what each step would write. Writes nothing.
    static func preview(_ context: RequestContext) throws -> Response {
        let flow = try FlowRoutes.find(context)
        var input = try JSONInput(context.request, allowed: ["sample", "event_id", "environment"])
        let eventText = input.string("event_id", required: false, maxLength: 36)
        let environment = input.choice("environment", required: false, as: EnvironmentName.self) ?? .dev
        let sample = input.document("sample")
        if (eventText == nil) == (sample == nil) { input.add(FieldError(field: "sample", message: "send either a sample record or an event_id")) }
        let eventId = eventText.flatMap(UUID.init(uuidString:))
        if eventText != nil, eventId == nil { input.add(FieldError(field: "event_id", message: "must be an event id")) }
        try input.validate()
        let definitionText: String
        if context.request.pathParameters["version"] == "draft" {
            definitionText = flow.draft
        } else {
            definitionText = try find(context).1.definition
        }
        let definition = try FlowRoutes.checked(json(definitionText))
        var record = sample ?? .null
        var triggered: Bool?
        if let eventId {
            guard let event = try context.tenantTransaction({ try $0.events.get(tenantId: flow.tenantId, environment: environment, id: eventId) }) else {
                throw Problem.notFound("No such event in \(environment.rawValue).")
            }
            record = json(event.payload)
            triggered = definition.matches(source: event.source, type: event.type, payload: record)
        }
        return context.json(PreviewBody(triggered: triggered, steps: definition.preview(record)))
    }
}

struct VersionBody: Encodable {
    let version: Int
    let checksum: String
    let fixturesPassed: Bool
    let fixtureResults: JSONValue
    let notes: String
    let publishedBy: String
    let definition: JSONValue?
    let createdAt: Date

    init(_ version: FlowVersion, includeDefinition: Bool) {
        self.version = version.version
        checksum = version.checksum
        fixturesPassed = version.fixturesPassed
        fixtureResults = FlowVersionRoutes.json(version.fixtureResults)
        notes = version.notes
        publishedBy = version.publishedBy
        definition = includeDefinition ? FlowVersionRoutes.json(version.definition) : nil
        createdAt = version.createdAt
    }
}

struct DiffBody: Encodable {
    let from: Int
    let to: Int
    let changes: [JSONDiff.Change]
}

struct PreviewBody: Encodable {
    /// For a stored event: whether the flow's trigger would start on it.
    let triggered: Bool?
    let steps: [StepPreview]
}
