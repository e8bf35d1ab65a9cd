import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/api-keys`: keys are shown once, at creation; a principal can only
/// hand out its own role or a lower one.
enum APIKeyRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint(
            "POST", "/v1/tenants/{tenantId}/api-keys", access: .tenant(.admin), idempotent: true,
            redactForReplay: withoutToken, handler: create),
        Endpoint("GET", "/v1/tenants/{tenantId}/api-keys", access: .tenant(.viewer)) { context in
            let id = try context.tenantId
            let (cursor, limit) = try context.pagination()
            let page = try context.tenantRead { try $0.apiKeys.list(tenantId: id, after: cursor, limit: limit) }
            return context.list(page) { APIKeyBody($0) }
        },
        Endpoint("GET", "/v1/tenants/{tenantId}/api-keys/{keyId}", access: .tenant(.viewer)) { context in
            let (tenantId, keyId) = (try context.tenantId, try context.uuidParameter("keyId", resource: "API key"))
            let key = try context.tenantTransaction { try $0.apiKeys.get(tenantId: tenantId, id: keyId) }
            guard let key else { throw Problem.notFound("No such API key.") }
            return context.json(APIKeyBody(key))
        },
        Endpoint("DELETE", "/v1/tenants/{tenantId}/api-keys/{keyId}", access: .tenant(.admin)) { context in
            let (tenantId, keyId) = (try context.tenantId, try context.uuidParameter("keyId", resource: "API key"))
            try context.tenantTransaction { tx in
                guard let key = try tx.apiKeys.get(tenantId: tenantId, id: keyId) else { throw Problem.notFound("No such API key.") }
                guard context.principal?.role(in: tenantId)?.canGrant(key.role) == true else {
                    throw Problem.forbidden("Only an owner can revoke an owner key.")
                }
                _ = try tx.apiKeys.revoke(tenantId: tenantId, id: keyId)
                try context.audit(tx, tenantId: tenantId, action: "api_key.revoked", targetType: "api_key", targetId: keyId.lowercasedString)
            }
            // This process stops taking the key now; the others at the NOTIFY.
            context.services.credentials.invalidate(key: keyId)
            return context.noContent()
        },
    ]

    static func create(_ context: RequestContext) throws -> Response {
        let tenantId = try context.tenantId
        var input = try JSONInput(context.request, allowed: ["name", "role"])
        let name = input.string("name", required: true, maxLength: 200)
        let role = input.choice("role", required: true, as: Role.self)
        if let name { input.add(Tenant.validateName(name)) }
        try input.validate()
        guard let role, context.principal?.role(in: tenantId)?.canGrant(role) == true else {
            throw Problem.forbidden("You cannot create a key with a role above your own.")
        }
        let created = try context.tenantTransaction { tx in
            let created = try tx.apiKeys.createTenantKey(tenantId: tenantId, name: name!, role: role, createdBy: context.actor)
            try context.audit(
                tx, tenantId: tenantId, action: "api_key.created", targetType: "api_key",
                targetId: created.key.id.lowercasedString, details: ["name": created.key.name, "role": role.rawValue])
            return created
        }
        var response = context.json(APIKeyBody(created.key, token: created.token), status: 201)
        response.setHeader("Location", "/v1/tenants/\(tenantId.lowercasedString)/api-keys/\(created.key.id.lowercasedString)")
        return response
    }

    /// The stored copy of a creation response must not hold the token: a replay shows the key without it.
    @Sendable static func withoutToken(_ body: [UInt8]) -> [UInt8] { without("token")(body) }

    /// A replay redaction that drops `field`, a secret shown only in the first answer.
    static func without(_ field: String) -> @Sendable ([UInt8]) -> [UInt8] {
        { body in
            guard var object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return Array("{}".utf8) }
            object.removeValue(forKey: field)
            return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map(Array.init) ?? Array("{}".utf8)
        }
    }
}
