import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/deployments`: which version of each flow an
/// environment runs. Versions are deployed to dev, then promoted dev → qa → prod; prod takes a
/// version only when the tenant's promotion policy holds (fixtures passed, ran in qa). A rollback
/// restores the version that ran before. Only the pointer moves: every environment keeps its
/// own connections and secrets.
enum DeploymentRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/deployments"

    static let endpoints: [Endpoint] = [
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let page = try context.tenantRead { try $0.deployments.list(tenantId: tenantId, environment: environment, after: cursor, limit: limit) }
            return context.list(page, DeploymentBody.init)
        },
        Endpoint("POST", base, access: .tenant(.admin), handler: deploy),
        Endpoint("POST", base + "/promote", access: .tenant(.admin), handler: promote),
        Endpoint("POST", base + "/{flowId}/rollback", access: .tenant(.admin), handler: rollback),
        Endpoint("GET", base + "/history", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            var flowId: UUID?
            if let text = context.request.query["flow_id"] {
                guard let id = UUID(text: text) else { throw Problem.validation([FieldError(field: "flow_id", message: "must be a flow id")]) }
                flowId = id
            }
            let page = try context.tenantTransaction {
                try $0.deployments.history(tenantId: tenantId, environment: environment, flowId: flowId, after: cursor, limit: limit)
            }
            return context.list(page, DeploymentHistoryBody.init)
        },
        Endpoint("GET", "/v1/tenants/{tenantId}/promotion-policy", access: .tenant(.viewer)) { context in
            let tenantId = try context.tenantId
            return context.json(PolicyBody(try context.tenantTransaction { try $0.deployments.policy(tenantId: tenantId) }))
        },
        Endpoint("PUT", "/v1/tenants/{tenantId}/promotion-policy", access: .tenant(.owner)) { context in
            let tenantId = try context.tenantId
            var input = try JSONInput(context.request, allowed: ["require_fixtures", "require_qa"])
            let fixtures = input.boolean("require_fixtures", required: true), qa = input.boolean("require_qa", required: true)
            try input.validate()
            let policy = PromotionPolicy(requireFixtures: fixtures!, requireQA: qa!)
            try context.tenantTransaction { tx in
                try tx.deployments.setPolicy(tenantId: tenantId, policy)
                try context.audit(
                    tx, tenantId: tenantId, action: "promotion_policy.updated", targetType: "tenant", targetId: tenantId.lowercasedString,
                    details: ["require_fixtures": String(policy.requireFixtures), "require_qa": String(policy.requireQA)])
            }
            return context.json(PolicyBody(policy))
        },
    ]

    static func flowId(_ input: inout JSONInput) -> UUID? {
        let text = input.string("flow_id", required: true, maxLength: 36)
        let id = text.flatMap(UUID.init(uuidString:))
        if text != nil, id == nil { input.add(FieldError(field: "flow_id", message: "must be a flow id")) }
        return id
    }

    static func flow(_ tx: any StoreSession, _ tenantId: UUID, _ id: UUID) throws -> StoredFlow {
        guard let flow = try tx.flows.get(tenantId: tenantId, id: id, forUpdate: true) else { throw Problem.notFound("No such flow.") }
        return flow
    }

    /// Only dev takes a version directly; qa and prod take what the environment before them runs.
    static func deploy(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        var input = try JSONInput(context.request, allowed: ["flow_id", "version"])
        let id = flowId(&input)
        let number = input.integer("version", required: true, range: 1...Int(Int32.max))
        try input.validate()
        guard environment == .dev else {
            throw Problem.conflict("Versions reach \(environment.rawValue) by promotion: POST \(environment.rawValue)/deployments/promote with the flow_id.")
        }
        let deployment = try context.tenantTransaction { tx -> Deployment in
            let flow = try flow(tx, tenantId, id!)
            guard try tx.flows.version(tenantId: tenantId, flowId: flow.id, version: number!) != nil else {
                throw Problem.validation([FieldError(field: "version", message: "flow \(flow.name) has no version \(number!)")])
            }
            let current = try tx.deployments.current(tenantId: tenantId, environment: environment, flowId: flow.id, forUpdate: true)
            guard current?.version != number else { throw Problem.conflict("\(environment.rawValue) already runs version \(number!).") }
            return try record(context, tx, flow: flow, environment: environment, version: number!, previous: current?.version, action: "deploy", from: nil)
        }
        return context.json(DeploymentBody(deployment), status: 201)
    }

    static func promote(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        var input = try JSONInput(context.request, allowed: ["flow_id"])
        let id = flowId(&input)
        try input.validate()
        let source: EnvironmentName
        switch environment {
        case .dev: throw Problem.conflict("dev takes versions directly: POST dev/deployments with flow_id and version.")
        case .qa: source = .dev
        case .prod: source = .qa
        }
        let deployment = try context.tenantTransaction { tx -> Deployment in
            let flow = try flow(tx, tenantId, id!)
            guard let from = try tx.deployments.current(tenantId: tenantId, environment: source, flowId: flow.id) else {
                throw Problem.conflict("\(flow.name) is not deployed in \(source.rawValue), so there is nothing to promote to \(environment.rawValue).")
            }
            let current = try tx.deployments.current(tenantId: tenantId, environment: environment, flowId: flow.id, forUpdate: true)
            guard current?.version != from.version else { throw Problem.conflict("\(environment.rawValue) already runs version \(from.version).") }
            if environment == .prod {
                let policy = try tx.deployments.policy(tenantId: tenantId)
                let version = try tx.flows.version(tenantId: tenantId, flowId: flow.id, version: from.version)
                if policy.requireFixtures, version?.fixturesPassed != true {
                    throw Problem.conflict("Version \(from.version) did not pass its fixtures; fix the flow and publish a new version before prod.")
                }
                if policy.requireQA, !(try tx.deployments.hasRun(tenantId: tenantId, environment: .qa, flowId: flow.id, version: from.version)) {
                    throw Problem.conflict("Version \(from.version) has not run in qa.")
                }
            }
            return try record(
                context, tx, flow: flow, environment: environment, version: from.version, previous: current?.version, action: "promote", from: source)
        }
        return context.json(DeploymentBody(deployment), status: 201)
    }

    static func rollback(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        let id = try context.uuidParameter("flowId", resource: "flow")
        let deployment = try context.tenantTransaction { tx -> Deployment in
            let flow = try flow(tx, tenantId, id)
            guard let current = try tx.deployments.current(tenantId: tenantId, environment: environment, flowId: flow.id, forUpdate: true) else {
                throw Problem.notFound("\(flow.name) is not deployed in \(environment.rawValue).")
            }
            guard let target = current.previousVersion else {
                throw Problem.conflict(
                    "\(environment.rawValue) has run no version of \(flow.name) before \(current.version); there is nothing to roll back to.")
            }
            let before = try tx.deployments.versionBefore(tenantId: tenantId, environment: environment, flowId: flow.id, version: target)
            return try record(context, tx, flow: flow, environment: environment, version: target, previous: before, action: "rollback", from: nil)
        }
        return context.json(DeploymentBody(deployment))
    }

    static func record(
        _ context: RequestContext, _ tx: any StoreSession, flow: StoredFlow, environment: EnvironmentName, version: Int, previous: Int?,
        action: String, from: EnvironmentName?
    ) throws -> Deployment {
        let deployment = try tx.deployments.point(
            tenantId: flow.tenantId, environment: environment, flowId: flow.id, version: version,
            previous: previous, action: action, from: from, actor: context.actor)
        var details = ["environment": environment.rawValue, "version": String(version), "previous_version": previous.map(String.init) ?? ""]
        if let from { details["from_environment"] = from.rawValue }
        try context.audit(tx, tenantId: flow.tenantId, action: "flow.\(action)", targetType: "flow", targetId: flow.id.lowercasedString, details: details)
        return deployment
    }
}

struct DeploymentBody: Encodable {
    let environment: String
    let flowId: String
    let flowName: String
    let version: Int
    let previousVersion: Int?
    let deployedBy: String
    let updatedAt: Date

    init(_ d: Deployment) {
        environment = d.environment.rawValue
        flowId = d.flowId.lowercasedString
        flowName = d.flowName
        version = d.version
        previousVersion = d.previousVersion
        deployedBy = d.deployedBy
        updatedAt = d.updatedAt
    }
}

struct DeploymentHistoryBody: Encodable {
    let id: String
    let environment: String
    let flowId: String
    let action: String
    let version: Int
    let previousVersion: Int?
    let fromEnvironment: String?
    let actor: String
    let createdAt: Date

    init(_ h: DeploymentHistoryEntry) {
        id = h.id.lowercasedString
        environment = h.environment.rawValue
        flowId = h.flowId.lowercasedString
        action = h.action
        version = h.version
        previousVersion = h.previousVersion
        fromEnvironment = h.fromEnvironment?.rawValue
        actor = h.actor
        createdAt = h.createdAt
    }
}

struct PolicyBody: Encodable {
    let requireFixtures: Bool
    let requireQA: Bool

    enum CodingKeys: String, CodingKey { case requireFixtures, requireQA = "requireQa" }

    init(_ policy: PromotionPolicy) {
        requireFixtures = policy.requireFixtures
        requireQA = policy.requireQA
    }
}
