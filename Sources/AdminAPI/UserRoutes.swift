import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/users`: people who log in to the admin pages for a tenant.
enum UserRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint("POST", "/v1/tenants/{tenantId}/users", access: .tenant(.admin), idempotent: true, handler: create),
        Endpoint("GET", "/v1/tenants/{tenantId}/users", access: .tenant(.viewer)) { context in
            let id = try context.tenantId
            let (cursor, limit) = try context.pagination()
            let page = try context.tenantRead { try $0.users.list(tenantId: id, after: cursor, limit: limit) }
            return context.list(page, UserBody.init)
        },
        Endpoint("GET", "/v1/tenants/{tenantId}/users/{userId}", access: .tenant(.viewer)) { context in
            let (tenantId, userId) = (try context.tenantId, try context.uuidParameter("userId", resource: "user"))
            let user = try context.tenantTransaction { try $0.users.get(tenantId: tenantId, id: userId) }
            guard let user else { throw Problem.notFound("No such user.") }
            return context.json(UserBody(user))
        },
        Endpoint("DELETE", "/v1/tenants/{tenantId}/users/{userId}", access: .tenant(.admin)) { context in
            let (tenantId, userId) = (try context.tenantId, try context.uuidParameter("userId", resource: "user"))
            try context.tenantTransaction { tx in
                guard let user = try tx.users.get(tenantId: tenantId, id: userId) else { throw Problem.notFound("No such user.") }
                guard context.principal?.role(in: tenantId)?.canGrant(user.role) == true else {
                    throw Problem.forbidden("Only an owner can remove an owner.")
                }
                _ = try tx.users.delete(tenantId: tenantId, id: userId)
                try context.audit(tx, tenantId: tenantId, action: "user.deleted", targetType: "user", targetId: userId.lowercasedString)
            }
            return context.noContent()
        },
    ]

    static func create(_ context: RequestContext) throws -> Response {
        let tenantId = try context.tenantId
        var input = try JSONInput(context.request, allowed: ["email", "password", "role"])
        let email = input.string("email", required: true, maxLength: 254).map(User.normalizeEmail)
        let password = input.string("password", required: true, maxLength: User.passwordMaxLength)
        let role = input.choice("role", required: true, as: Role.self)
        if let email, !User.isValidEmail(email) { input.add(FieldError(field: "email", message: "is not an e-mail address")) }
        if let password { input.add(User.validatePassword(password)) }
        try input.validate()
        guard let role, context.principal?.role(in: tenantId)?.canGrant(role) == true else {
            throw Problem.forbidden("You cannot create a user with a role above your own.")
        }
        // Hash before the transaction: it takes a while and needs no database connection.
        let hash = context.services.passwords.hash(password!)
        let user = try context.tenantTransaction { tx -> User in
            let user: User
            do {
                user = try tx.users.create(tenantId: tenantId, email: email!, passwordHash: hash, role: role)
            } catch let error as any StoreFailure where error.isUniqueViolation {
                throw Problem.conflict("A user with this e-mail already exists.")
            }
            try context.audit(
                tx, tenantId: tenantId, action: "user.created", targetType: "user", targetId: user.id.lowercasedString,
                details: ["email": user.email, "role": role.rawValue])
            return user
        }
        var response = context.json(UserBody(user), status: 201)
        response.setHeader("Location", "/v1/tenants/\(tenantId.lowercasedString)/users/\(user.id.lowercasedString)")
        return response
    }
}
