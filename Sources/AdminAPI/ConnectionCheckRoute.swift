import Foundation
import Connectors
import Domain
import HTTPServer
import Persistence

/// `POST .../connections/{connectionId}/test`: a real authentication against the vendor, reported
/// in plain words. The vendor is called with no database connection held.
enum ConnectionCheckRoute {
    static let endpoints: [Endpoint] = [
        Endpoint("POST", ConnectionRoutes.base + "/{connectionId}/test", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("connectionId", resource: "connection")
            let vault = context.services.vault
            let (connection, secrets) = try context.tenantTransaction { tx -> (Connection, [String: String]) in
                guard let connection = try ConnectionStore.get(tx, tenantId: tenantId, environment: environment, id: id) else {
                    throw Problem.notFound("No such connection.")
                }
                var secrets: [String: String] = [:]
                for name in connection.kind.secretNames {
                    secrets[name] = try ConnectionStore.secret(tx, vault: vault, tenantId: tenantId, connectionId: id, name: name)
                }
                return (connection, secrets)
            }
            let (ok, message) = try check(connection, secrets)
            let status = ok ? "connected" : "failed"
            let checkedAt = Date()
            try context.tenantTransaction { tx in
                try ConnectionStore.setStatus(tx, tenantId: tenantId, id: id, status: status)
                try context.audit(tx, tenantId: tenantId, action: "connection.tested", targetType: "connection", targetId: id.lowercasedString,
                                  details: ["outcome": status, "message": message])
            }
            return context.json(CheckBody(ok: ok, status: status, message: message, checkedAt: checkedAt))
        },
    ]

    static func check(_ connection: Connection, _ secrets: [String: String]) throws -> (Bool, String) {
        switch connection.kind {
        case .paytrace:
            guard let username = secrets["username"], let password = secrets["password"] else {
                return (false, "Set the PayTrace API user name and password first.")
            }
            guard let url = URL(string: connection.text("base_url") ?? PayTraceClient.productionURL) else { return (false, "The base URL is not a URL.") }
            let client = PayTraceClient(baseURL: url, credentials: .init(username: username, password: password, integratorId: secrets["integrator_id"]),
                                        cacheKey: connection.id.lowercasedString)
            do {
                try client.authenticate()
                return (true, "PayTrace accepted the API user \(username).")
            } catch let error as ConnectorError {
                return (false, error.message)
            }
        case .zoho:
            guard let refreshToken = secrets["refresh_token"] else { return (false, "Connect Zoho first: there is no refresh token yet.") }
            let client = try ZohoOAuthRoutes.accountsClient(connection, clientId: secrets["client_id"], clientSecret: secrets["client_secret"])
            do {
                try TokenCache.shared.replace(for: connection.id.lowercasedString) { try client.accessToken(refreshToken: refreshToken) }
                return (true, "Zoho issued an access token for organization \(connection.text("organization_id") ?? "?").")
            } catch let error as ConnectorError {
                return (false, error.message)
            }
        case .sageProAgent:
            throw Problem(status: 422, title: "Not available yet",
                          detail: "Testing \(connection.kind.rawValue) connections comes with its connector, which is not built yet.")
        }
    }

    struct CheckBody: Encodable {
        let ok: Bool
        let status: String
        let message: String
        let checkedAt: Date
    }
}
