import Foundation
import Connectors
import Crypto
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/connections`: vendor accounts per
/// environment. Secrets are write-only: responses say which are set, with a masked hint.
enum ConnectionRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/connections"

    static let endpoints: [Endpoint] = [
        // A replayed create answers without the enrolment token: it is shown once, and the
        // idempotency record is no vault.
        Endpoint("POST", base, access: .tenant(.admin), idempotent: true, redactForReplay: APIKeyRoutes.without("enrolment_token"), handler: create),
        Endpoint("POST", base + "/{connectionId}/enrolment-token", access: .tenant(.admin), handler: newEnrolmentToken),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try Self.environment(context))
            let (cursor, limit) = try context.pagination()
            let (page, activity) = try context.tenantTransaction { tx in
                let page = try tx.connections.list(tenantId: tenantId, environment: environment, after: cursor, limit: limit)
                return (page, try tx.dashboard.activity(tenantId: tenantId, connections: page.items))
            }
            return context.list(page) { ConnectionBody($0, activity: activity[$0.id]) }
        },
        Endpoint("GET", base + "/{connectionId}", access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try Self.environment(context))
            let id = try context.uuidParameter("connectionId", resource: "connection")
            let connection = try context.tenantTransaction { try $0.connections.get(tenantId: tenantId, environment: environment, id: id) }
            guard let connection else { throw Problem.notFound("No such connection.") }
            return context.json(ConnectionBody(connection))
        },
        Endpoint("PATCH", base + "/{connectionId}", access: .tenant(.admin), handler: update),
        Endpoint("DELETE", base + "/{connectionId}", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try Self.environment(context))
            let id = try context.uuidParameter("connectionId", resource: "connection")
            try context.tenantTransaction { tx in
                guard try tx.connections.delete(tenantId: tenantId, environment: environment, id: id) else {
                    throw Problem.notFound("No such connection.")
                }
                try context.audit(
                    tx, tenantId: tenantId, action: "connection.deleted", targetType: "connection", targetId: id.lowercasedString,
                    details: ["environment": environment.rawValue])
            }
            return context.noContent()
        },
    ]

    /// The PayTrace connection a charge or a plan names (`connection_id`), or 422 naming the field.
    static func payTrace(_ tx: any StoreSession, tenantId: UUID, environment: EnvironmentName, id: UUID) throws -> Connection {
        guard let connection = try tx.connections.get(tenantId: tenantId, environment: environment, id: id), connection.kind == .paytrace else {
            throw Problem.validation([FieldError(field: "connection_id", message: "must be a PayTrace connection of this environment")])
        }
        return connection
    }

    static func environment(_ context: RequestContext) throws -> EnvironmentName {
        guard let text = context.request.pathParameters["environment"], let environment = EnvironmentName(rawValue: text) else {
            throw Problem.notFound("No such environment: use dev, qa or prod.")
        }
        return environment
    }

    /// A shop signing as Standard Webhooks (`settings`: the connection's after the change) needs a
    /// `whsec_<base64>` secret; read by the same code that signs with it.
    static func signingSecretErrors(_ kind: ConnectionKind, settings: [String: ConnectionSetting], secrets: [String: String?]) -> [FieldError] {
        guard kind == .shop, settings["signature_scheme"] == .text(ShopWebhookClient.Scheme.standardWebhooks.rawValue),
            case .some(.some(let secret)) = secrets["signing_secret"], StandardWebhookSignature.key(secret) == nil
        else { return [] }
        return [FieldError(field: "secrets.signing_secret", message: "must be whsec_ followed by the base64 of 16 bytes or more, for Standard Webhooks")]
    }

    static func create(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try environment(context))
        var input = try JSONInput(context.request, allowed: ["kind", "name", "settings", "secrets"])
        let kind = input.choice("kind", required: true, as: ConnectionKind.self)
        let name = input.string("name", required: true, maxLength: Tenant.nameMaxLength)
        let settings = settingValues(input.object("settings", allowBooleans: true) ?? [:])
        let secrets = input.object("secrets", allowBooleans: false) ?? [:]
        if let name { input.add(Tenant.validateName(name)) }
        if let kind {
            for error in kind.validate(settings: settings.compactMapValues { $0 }, creating: true) { input.add(error) }
            for error in kind.validate(secrets: secrets.mapValues { $0 as? String }, creating: true) { input.add(error) }
            for error in signingSecretErrors(kind, settings: settings.compactMapValues { $0 }, secrets: secrets.mapValues { $0 as? String }) {
                input.add(error)
            }
        }
        try input.validate()
        // Made here, shown once in this answer, kept only in the vault.
        let generated = Dictionary(uniqueKeysWithValues: kind!.generatedSecrets.map { ($0, SecureRandom.token(byteCount: 24)) })
        let connection = try context.tenantTransaction { tx -> Connection in
            let connection = try tx.connections.create(
                tenantId: tenantId, environment: environment,
                kind: kind!, name: name!, settings: settings.compactMapValues { $0 },
                secrets: secrets.compactMapValues { $0 as? String }.merging(generated) { $1 })
            try context.audit(
                tx, tenantId: tenantId, action: "connection.created", targetType: "connection", targetId: connection.id.lowercasedString,
                details: [
                    "environment": environment.rawValue, "kind": kind!.rawValue,
                    "secrets_set": (Array(secrets.keys) + Array(generated.keys)).sorted().joined(separator: ","),
                ])
            return connection
        }
        var response = context.json(ConnectionBody(connection, enrolmentToken: generated["enrolment_token"]), status: 201)
        response.setHeader(
            "Location", "/v1/tenants/\(tenantId.lowercasedString)/environments/\(environment.rawValue)/connections/\(connection.id.lowercasedString)")
        return response
    }

    /// A new enrolment token for a Sage Pro agent connection, shown once: the agent with the old
    /// one is refused from now on (a token given away, or an agent retired).
    static func newEnrolmentToken(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try environment(context))
        let id = try context.uuidParameter("connectionId", resource: "connection")
        let token = SecureRandom.token(byteCount: 24)
        let updated = try context.tenantTransaction { tx -> Connection in
            guard let current = try tx.connections.get(tenantId: tenantId, environment: environment, id: id) else {
                throw Problem.notFound("No such connection.")
            }
            guard current.kind.generatedSecrets.contains("enrolment_token") else {
                // Nothing wrong with the request; the connection it names is of another kind.
                throw Problem(status: 409, title: "No enrolment token", detail: "Only a Sage Pro agent connection has an enrolment token.")
            }
            guard
                let updated = try tx.connections.update(
                    tenantId: tenantId, environment: environment, id: id, name: nil, settings: [:], secrets: ["enrolment_token": token])
            else { throw Problem.notFound("No such connection.") }
            try context.audit(
                tx, tenantId: tenantId, action: "connection.enrolment_token_renewed", targetType: "connection", targetId: id.lowercasedString,
                details: ["environment": environment.rawValue])
            return updated
        }
        return context.json(ConnectionBody(updated, enrolmentToken: token))
    }

    static func update(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try environment(context))
        let id = try context.uuidParameter("connectionId", resource: "connection")
        var input = try JSONInput(context.request, allowed: ["name", "settings", "secrets"])
        let name = input.string("name", required: false, maxLength: Tenant.nameMaxLength)
        let settings = settingValues(input.object("settings", allowBooleans: true) ?? [:])
        let secrets = (input.object("secrets", allowBooleans: false) ?? [:]).mapValues { $0 as? String }
        if let name { input.add(Tenant.validateName(name)) }
        if !input.has("name") && !input.has("settings") && !input.has("secrets") {
            input.add(FieldError(field: "body", message: "name the fields to change: name, settings, secrets"))
        }
        try input.validate()
        let connection = try context.tenantTransaction { tx -> Connection in
            guard let current = try tx.connections.get(tenantId: tenantId, environment: environment, id: id) else {
                throw Problem.notFound("No such connection.")
            }
            let errors =
                current.kind.validate(settings: current.settings(merging: settings), creating: true)
                + current.kind.validate(secrets: secrets, creating: false)
                + signingSecretErrors(current.kind, settings: current.settings(merging: settings), secrets: secrets)
            if !errors.isEmpty { throw Problem.validation(errors) }
            guard
                let updated = try tx.connections.update(
                    tenantId: tenantId, environment: environment, id: id,
                    name: name, settings: settings, secrets: secrets)
            else {
                throw Problem.notFound("No such connection.")
            }
            // New credentials: the next call asks the vendor for a token made with them.
            if !secrets.isEmpty { TokenCache.shared.invalidate(id.lowercasedString) }
            try context.audit(
                tx, tenantId: tenantId, action: "connection.updated", targetType: "connection", targetId: id.lowercasedString,
                details: [
                    "environment": environment.rawValue, "secrets_changed": secrets.keys.sorted().joined(separator: ","),
                    "settings_changed": settings.keys.sorted().joined(separator: ","),
                ])
            return updated
        }
        return context.json(ConnectionBody(connection))
    }

    /// JSON values to settings: strings and booleans; null (nil) means "remove" in an update.
    static func settingValues(_ raw: [String: Any?]) -> [String: ConnectionSetting?] {
        raw.mapValues { value in
            switch value {
            case let text as String: .text(text)
            case let flag as Bool: .flag(flag)
            default: nil
            }
        }
    }
}

struct ConnectionBody: Encodable {
    struct SecretBody: Encodable {
        let set: Bool
        let hint: String?
        let updatedAt: Date?
    }

    let id: String
    let tenantId: String
    let environment: String
    let kind: String
    let name: String
    let settings: [String: ConnectionSetting]
    let secrets: [String: SecretBody]
    let status: String
    let createdAt: Date
    let updatedAt: Date
    /// A Sage Pro agent's enrolment token, in the one answer that made it.
    let enrolmentToken: String?
    /// In lists: what it last did (see `ConnectionHealthStatus`).
    let health: HealthBody?

    struct HealthBody: Encodable {
        let state: String
        let breaker: String
        let lastSuccessAt: Date?
        let lastFailureAt: Date?
        let lastError: String?
        let agentLastSeenAt: Date?
    }

    init(_ c: Connection, enrolmentToken: String? = nil, activity: ConnectionActivity? = nil) {
        self.enrolmentToken = enrolmentToken
        health = activity.map { a in
            HealthBody(
                state: ConnectionHealthStatus.state(c, a), breaker: ConnectionHealthStatus.breaker(a), lastSuccessAt: a.lastSuccessAt,
                lastFailureAt: a.lastFailureAt, lastError: a.lastError, agentLastSeenAt: a.agentLastSeenAt)
        }
        id = c.id.lowercasedString; tenantId = c.tenantId.lowercasedString; environment = c.environment.rawValue; kind = c.kind.rawValue
        name = c.name; settings = c.settings; status = c.status; createdAt = c.createdAt; updatedAt = c.updatedAt
        var secrets: [String: SecretBody] = [:]
        for secretName in c.kind.secretNames {
            let known = c.secrets[secretName]
            secrets[secretName] = SecretBody(set: known != nil, hint: known?.hint, updatedAt: known?.updatedAt)
        }
        self.secrets = secrets
    }
}
