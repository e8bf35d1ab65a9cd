import Foundation
import Domain
import HTTPServer

/// Password login for the admin pages: a session cookie (HttpOnly, SameSite=Strict, Secure
/// behind https) and a CSRF token that cookie-authenticated writes must echo.
enum AuthRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint("POST", "/v1/auth/login", access: .anonymous, handler: login),
        Endpoint("POST", "/v1/auth/logout", access: .authenticated) { context in
            if let session = context.principal?.session {
                try context.platformTransaction { try $0.sessions.revoke(token: session.token) }
            }
            var response = context.noContent()
            response.setHeader("Set-Cookie", cookie(value: "", maxAge: 0, secure: context.services.configuration.secureCookies))
            return response
        },
        Endpoint("GET", "/v1/auth/session", access: .authenticated) { context in
            guard let principal = context.principal else { throw Problem.unauthorized }
            return context.json(SessionBody(principal))
        },
    ]

    static func login(_ context: RequestContext) throws -> Response {
        var input = try JSONInput(context.request, allowed: ["email", "password", "tenant"])
        let email = input.string("email", required: true, maxLength: 254).map(User.normalizeEmail)
        let password = input.string("password", required: true, maxLength: User.passwordMaxLength)
        // Only needed when one address and password open accounts in several tenants.
        let tenantSlug = input.string("tenant", required: false, maxLength: 63)
        try input.validate()
        let services = context.services
        let client = context.request.clientAddress
        let reservation = try context.platformTransaction {
            try $0.loginAttempts.reserve(email: email!, client: client, limits: services.configuration.loginLimits)
        }
        guard case .reserved(let attempt) = reservation else {
            let wait = if case .wait(let seconds) = reservation { seconds } else { 1 }
            throw Problem(
                status: 429, title: "Too many login attempts", detail: "Too many failed logins; try again in \(wait) seconds.",
                headers: [("Retry-After", String(wait))])
        }
        // An address is unique within a tenant, so it may have an account in several; the
        // password says which (each checked, up to a few: the login limits bound the cost).
        let candidates = try context.platformTransaction {
            try $0.users.findForLogin(email: email!, tenantSlug: tenantSlug, limit: Self.accountsPerAddress)
        }
        if candidates.isEmpty { _ = services.passwords.verify(password!, against: services.decoyPasswordHash) }
        let matching = candidates.filter { services.passwords.verify(password!, against: $0.passwordHash) }
        // A wrong password leaves the reserved attempt counted as the failure it is.
        guard let chosen = matching.first else {
            throw Problem(status: 401, title: "Unauthorized", detail: "The e-mail or the password is wrong.")
        }
        // Only someone who knows the password learns that it opens several workspaces.
        guard matching.count == 1 else {
            let slugs = matching.compactMap(\.tenantSlug).joined(separator: ", ")
            throw Problem(
                status: 409, title: "Several workspaces",
                detail: "This e-mail and password open accounts in several workspaces (\(slugs)); send tenant with the one you mean.")
        }
        let user = chosen.user
        let token = try context.platformTransaction { tx -> String in
            try tx.loginAttempts.succeeded(attempt: attempt, email: email!)
            let token = try tx.sessions.create(user: user)
            try tx.auditLog.append(
                tenantId: user.tenantId,
                .init(
                    actor: "user:\(user.id.lowercasedString)", action: "session.created", targetType: "user",
                    targetId: user.id.lowercasedString, requestId: context.requestId,
                    details: String(decoding: JSONCoding.encode(["client": client]), as: UTF8.self)))
            return token
        }
        var response = context.json(LoginBody(user: UserBody(user), csrfToken: Authenticator.csrfToken(forSession: token)))
        response.setHeader("Set-Cookie", cookie(value: token, maxAge: Int(SessionPolicy.lifetime), secure: services.configuration.secureCookies))
        return response
    }

    /// Accounts with one address whose passwords a login checks, when it names no tenant.
    static let accountsPerAddress = 5

    static func cookie(value: String, maxAge: Int, secure: Bool) -> String {
        "\(Authenticator.sessionCookie)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}

struct LoginBody: Encodable {
    let user: UserBody
    let csrfToken: String
}

struct SessionBody: Encodable {
    let kind: String
    let role: String
    let tenantId: String?
    let user: UserBody?
    let csrfToken: String?

    init(_ principal: Principal) {
        kind = principal.session == nil ? "api_key" : "session"
        switch principal.kind {
        case .platformAdmin: role = "platform_admin"
        case .tenant(_, let r): role = r.rawValue
        }
        tenantId = principal.tenantId?.lowercasedString
        user = principal.session.map { UserBody($0.user) }
        csrfToken = principal.session.map { Authenticator.csrfToken(forSession: $0.token) }
    }

    enum CodingKeys: String, CodingKey { case kind, role, tenantId, user, csrfToken }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(role, forKey: .role)
        try c.encode(tenantId, forKey: .tenantId)
        try c.encode(user, forKey: .user)
        try c.encode(csrfToken, forKey: .csrfToken)
    }
}
