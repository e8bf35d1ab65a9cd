import Foundation
import Connectors
import Domain
import HTTPServer

/// "Connect Zoho": the authorization-code flow. `oauth/start` returns the URL of the
/// connection's accounts server to send the browser to; Zoho redirects back to
/// `/oauth/zoho/callback`, where the single-use state (not a session) says which connection it
/// is for; the refresh token goes into the vault and the browser back to the tenant's page.
enum ZohoOAuthRoutes {
    static let callbackPath = "/oauth/zoho/callback"

    static let endpoints: [Endpoint] = [
        Endpoint("POST", ConnectionRoutes.base + "/{connectionId}/oauth/start", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("connectionId", resource: "connection")
            let redirectURI = try publicBase(context) + callbackPath
            let url = try context.tenantTransaction { tx -> URL in
                guard let connection = try tx.connections.get(tenantId: tenantId, environment: environment, id: id) else {
                    throw Problem.notFound("No such connection.")
                }
                guard connection.kind == .zoho else {
                    // The request is fine; the connection it names cannot take it.
                    throw Problem(status: 409, title: "Not a Zoho connection", detail: "Only Zoho connections are connected through OAuth.")
                }
                let client = try accountsClient(tx, connection)
                let state = try tx.oauthStates.create(
                    tenantId: tenantId, environment: environment, connectionId: id,
                    redirectURI: redirectURI, createdBy: context.actor)
                let scopes = ZohoAccountsClient.scopes(books: connection.flag("books"), inventory: connection.flag("inventory"), crm: connection.flag("crm"))
                return client.authorizationURL(redirectURI: redirectURI, scopes: scopes, state: state)
            }
            return context.json(["authorization_url": url.absoluteString])
        },
        Endpoint("GET", callbackPath, access: .anonymous, handler: callback),
    ]

    static func callback(_ context: RequestContext) throws -> Response {
        let query = context.request.query
        guard let state = query["state"], let pending = try context.services.stores.takeOAuthState(state) else {
            throw Problem.badRequest("This Zoho authorization has expired or was already used; start Connect Zoho again from the connection.")
        }
        // Back to the connections of the environment the connection is in.
        let page = "/tenant.html?id=\(pending.tenantId.lowercasedString)&view=connections&env=\(pending.environment.rawValue)"
        func back(_ notice: String, _ reason: String? = nil) -> Response {
            var target = URLComponents(string: page)!
            target.queryItems =
                (target.queryItems ?? []) + [URLQueryItem(name: "notice", value: notice)]
                + (reason.map { [URLQueryItem(name: "reason", value: String($0.prefix(200)))] } ?? [])
            return Response(status: 303, headers: [("Location", target.string ?? page)])
        }
        guard let code = query["code"], query["error"] == nil else {
            return back("zoho-denied", query["error"].map { String($0.prefix(60)) })
        }
        let stores = context.services.stores
        // The accounts server is the connection's own (its data center or override), never the one
        // named in the redirect, which anyone could have forged.
        let client = try stores.transaction(.tenant(pending.tenantId)) { tx -> ZohoAccountsClient in
            guard let connection = try tx.connections.get(tenantId: pending.tenantId, environment: pending.environment, id: pending.connectionId) else {
                throw Problem.notFound("The connection was removed.")
            }
            return try accountsClient(tx, connection)
        }
        let outcome: Result<ZohoAccountsClient.Tokens, ConnectorError>
        do {
            let exchange = { try client.exchange(code: code, redirectURI: pending.redirectURI) }
            outcome = .success(try context.services.vendorCallSlots.run(tenantId: pending.tenantId, exchange))
        } catch let error as ConnectorError {
            outcome = .failure(error)
        } catch let busy as Problem where busy.status == 429 {
            // The state is spent either way: send the person back with the reason, not a 429 page.
            outcome = .failure(ConnectorError(.retryable, "Clearline was busy with this tenant's other vendor calls; connect Zoho again in a moment."))
        }
        try stores.transaction(.tenant(pending.tenantId)) { tx in
            var settings: [String: ConnectionSetting?] = [:]
            var secrets: [String: String?] = [:]
            if case .success(let tokens) = outcome {
                secrets["refresh_token"] = tokens.refreshToken
                if let domain = tokens.apiDomain, !domain.isEmpty { settings["api_domain"] = .text(domain) }
            }
            _ = try tx.connections.update(
                tenantId: pending.tenantId, environment: pending.environment, id: pending.connectionId,
                name: nil, settings: settings, secrets: secrets)
            let status = (try? outcome.get()) == nil ? "failed" : "connected"
            try tx.connections.setStatus(tenantId: pending.tenantId, id: pending.connectionId, status: status)
            try tx.auditLog.append(
                tenantId: pending.tenantId,
                .init(
                    actor: pending.createdBy, action: "connection.oauth_completed", targetType: "connection", targetId: pending.connectionId.lowercasedString,
                    requestId: context.requestId, details: String(decoding: JSONCoding.encode(["outcome": status]), as: UTF8.self)))
        }
        switch outcome {
        case .success: return back("zoho-connected")
        case .failure(let error): return back("zoho-failed", error.message)
        }
    }

    static func accountsClient(_ tx: any StoreSession, _ connection: Connection) throws -> ZohoAccountsClient {
        let secret = { try tx.connections.secret(tenantId: connection.tenantId, connectionId: connection.id, name: $0) }
        return try accountsClient(connection, clientId: try secret("client_id"), clientSecret: try secret("client_secret"), transport: .withinRequest)
    }

    /// The client for the connection's accounts server (its data center's, or the override).
    static func accountsClient(
        _ connection: Connection, clientId: String?, clientSecret: String?, transport: HTTPTransport = HTTPTransport()
    ) throws -> ZohoAccountsClient {
        do {
            return try ZohoClients.accounts(connection, clientId: clientId, clientSecret: clientSecret, transport: transport)
        } catch {
            // The connection lacks what the call needs (its client id and secret): fix it first.
            throw Problem(status: 409, title: "Zoho connection incomplete", detail: error.message)
        }
    }

    /// Where browsers reach this server (the OAuth redirect, card links): CLEARLINE_PUBLIC_URL, else the Host the request came to.
    static func publicBase(_ context: RequestContext) throws -> String {
        if let configured = context.services.configuration.publicURL, !configured.isEmpty {
            return configured.hasSuffix("/") ? String(configured.dropLast()) : configured
        }
        guard let host = context.request.header("host"), (1...255).contains(host.utf8.count),
            host.utf8.allSatisfy({
                (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 46 || $0 == 45 || $0 == 58 || $0 == 91 || $0 == 93
            })
        else {
            throw Problem.badRequest(
                "Set CLEARLINE_PUBLIC_URL: the request's Host header cannot be used for a link back to Clearline (the OAuth redirect, a card link).")
        }
        return "http://\(host)"
    }
}
