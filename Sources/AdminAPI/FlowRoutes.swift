import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/flows`: flows created from a template or from scratch, and their
/// draft, edited until it is published as a version.
enum FlowRoutes {
    static let base = "/v1/tenants/{tenantId}/flows"

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base, access: .tenant(.admin), idempotent: true, handler: create),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let tenantId = try context.tenantId
            let (cursor, limit) = try context.pagination()
            let page = try context.tenantRead { try $0.flows.list(tenantId: tenantId, after: cursor, limit: limit) }
            return context.list(page) { FlowBody($0, includeDraft: false) }
        },
        Endpoint("GET", base + "/{flowId}", access: .tenant(.viewer)) { context in
            let flow = try find(context)
            var body = FlowBody(flow, includeDraft: true)
            body.deployments = try context.tenantTransaction { tx in
                var live: [String: Int] = [:]
                for environment in EnvironmentName.allCases {
                    live[environment.rawValue] = try tx.deployments.current(tenantId: flow.tenantId, environment: environment, flowId: flow.id)?.version
                }
                return live
            }
            return context.json(body)
        },
        Endpoint("PATCH", base + "/{flowId}", access: .tenant(.admin), handler: update),
        Endpoint("DELETE", base + "/{flowId}", access: .tenant(.admin)) { context in
            let flow = try find(context)
            try context.tenantTransaction { tx in
                guard try tx.flows.delete(tenantId: flow.tenantId, id: flow.id) else { throw Problem.notFound("No such flow.") }
                try context.audit(tx, tenantId: flow.tenantId, action: "flow.deleted", targetType: "flow", targetId: flow.id.lowercasedString)
            }
            return context.noContent()
        },
    ]

    static func find(_ context: RequestContext, forUpdate: Bool = false) throws -> StoredFlow {
        let tenantId = try context.tenantId
        let id = try context.uuidParameter("flowId", resource: "flow")
        guard let flow = try context.tenantTransaction({ try $0.flows.get(tenantId: tenantId, id: id) }) else { throw Problem.notFound("No such flow.") }
        return flow
    }

    /// The definition checked as a flow; its field errors are reported under `definition.`.
    static func checked(_ definition: JSONValue) throws -> FlowDefinition {
        do {
            return try FlowDefinition(definition)
        } catch {
            guard case .validation(let errors) = error else { throw error }
            throw Problem.validation(errors.map { FieldError(field: "definition.\($0.field)", message: $0.message) })
        }
    }

    static func create(_ context: RequestContext) throws -> Response {
        let tenantId = try context.tenantId
        var input = try JSONInput(context.request, allowed: ["name", "description", "template_id", "definition"])
        let name = input.string("name", required: true, maxLength: 200)
        let description = input.string("description", required: false, maxLength: 2000) ?? ""
        let templateId = input.string("template_id", required: false, maxLength: 100)
        var definition = input.document("definition")
        if let name { input.add(Tenant.validateName(name)) }
        switch (templateId, definition) {
        case (let id?, nil):
            if let template = FlowTemplate.named(id) {
                definition = template.definition
            } else {
                input.add(FieldError(field: "template_id", message: "must be one of: \(FlowTemplates.all.map(\.id).joined(separator: ", "))"))
            }
        case (nil, nil): input.add(FieldError(field: "definition", message: "is required unless template_id names a template to start from"))
        case (_?, _?): input.add(FieldError(field: "template_id", message: "give a template or a definition, not both"))
        case (nil, _?): break
        }
        try input.validate()
        _ = try checked(definition!)
        let flow = try context.tenantTransaction { tx -> StoredFlow in
            let flow = try tx.flows.create(tenantId: tenantId, name: name!, description: description, templateId: templateId, draft: definition!.canonicalText)
            try context.audit(
                tx, tenantId: tenantId, action: "flow.created", targetType: "flow", targetId: flow.id.lowercasedString,
                details: ["template_id": templateId ?? ""])
            return flow
        }
        var response = context.json(FlowBody(flow, includeDraft: true), status: 201)
        response.setHeader("Location", "/v1/tenants/\(tenantId.lowercasedString)/flows/\(flow.id.lowercasedString)")
        return response
    }

    /// Edits the draft. `revision`, when sent, must be the draft's current one: two admins
    /// editing at once do not silently overwrite each other.
    static func update(_ context: RequestContext) throws -> Response {
        let current = try find(context)
        var input = try JSONInput(context.request, allowed: ["name", "description", "definition", "revision"])
        let name = input.string("name", required: false, maxLength: 200)
        let description = input.string("description", required: false, maxLength: 2000)
        let revision = input.integer("revision", required: false, range: 1...Int(Int32.max))
        let definition = input.document("definition")
        if let name { input.add(Tenant.validateName(name)) }
        try input.validate()
        if let definition { _ = try checked(definition) }
        let flow = try context.tenantTransaction { tx -> StoredFlow in
            guard let locked = try tx.flows.get(tenantId: current.tenantId, id: current.id, forUpdate: true) else { throw Problem.notFound("No such flow.") }
            if let revision, revision != locked.draftRevision {
                throw Problem.conflict("The draft changed since revision \(revision) (it is now \(locked.draftRevision)); reload it and edit again.")
            }
            guard
                let updated = try tx.flows.update(
                    tenantId: locked.tenantId, id: locked.id, name: name, description: description,
                    draft: definition?.canonicalText)
            else { throw Problem.notFound("No such flow.") }
            try context.audit(
                tx, tenantId: locked.tenantId, action: "flow.draft_updated", targetType: "flow", targetId: locked.id.lowercasedString,
                details: ["revision": String(updated.draftRevision)])
            return updated
        }
        return context.json(FlowBody(flow, includeDraft: true))
    }
}

struct FlowBody: Encodable {
    let id: String
    let name: String
    let description: String
    let templateId: String?
    let revision: Int
    let latestVersion: Int?
    let draft: JSONValue?
    /// Environment → the version it runs (absent: not deployed there).
    var deployments: [String: Int]?
    let createdAt: Date
    let updatedAt: Date

    init(_ flow: StoredFlow, includeDraft: Bool) {
        id = flow.id.lowercasedString
        name = flow.name
        description = flow.description
        templateId = flow.templateId
        revision = flow.draftRevision
        latestVersion = flow.latestVersion
        draft = includeDraft ? JSONValue(parsing: flow.draft) : nil
        createdAt = flow.createdAt
        updatedAt = flow.updatedAt
    }
}
