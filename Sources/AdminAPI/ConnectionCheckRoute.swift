import Foundation
import Connectors
import Domain
import HTTPServer

/// `POST .../connections/{connectionId}/test`: a real authentication against the vendor, reported
/// in plain words. The vendor is called with no database connection held.
enum ConnectionCheckRoute {
    static let endpoints: [Endpoint] = [
        Endpoint("POST", ConnectionRoutes.base + "/{connectionId}/test", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("connectionId", resource: "connection")
            let vault = context.services.vault
            let (connection, secrets) = try context.tenantTransaction { tx -> (Connection, [String: String]) in
                guard let connection = try tx.connections.get(tenantId: tenantId, environment: environment, id: id) else {
                    throw Problem.notFound("No such connection.")
                }
                return (connection, try tx.connections.secrets(connection: connection))
            }
            let (ok, message) = try context.services.vendorCallSlots.run(tenantId: tenantId) { try check(connection, secrets, context) }
            let status = ok ? "connected" : "failed"
            let checkedAt = Date()
            try context.tenantTransaction { tx in
                try tx.connections.setStatus(tenantId: tenantId, id: id, status: status)
                try context.audit(
                    tx, tenantId: tenantId, action: "connection.tested", targetType: "connection", targetId: id.lowercasedString,
                    details: ["outcome": status, "message": message])
            }
            return context.json(CheckBody(ok: ok, status: status, message: message, checkedAt: checkedAt))
        }
    ]

    static func check(_ connection: Connection, _ secrets: [String: String], _ context: RequestContext) throws -> (Bool, String) {
        switch connection.kind {
        case .paytrace:
            do {
                let client = try PayTraceClient.forConnection(connection, secrets: secrets, transport: .withinRequest)
                try client.authenticate()
                return (true, "PayTrace accepted the API user \(client.credentials.username).")
            } catch let error as ConnectorError {
                return (false, error.message)
            }
        case .zoho:
            guard let refreshToken = secrets["refresh_token"] else { return (false, "Connect Zoho first: there is no refresh token yet.") }
            let client = try ZohoOAuthRoutes.accountsClient(
                connection, clientId: secrets["client_id"], clientSecret: secrets["client_secret"], transport: .withinRequest)
            do {
                try TokenCache.shared.replace(for: connection.id.lowercasedString) { try client.accessToken(refreshToken: refreshToken) }
                return (true, "Zoho issued an access token for organization \(connection.text("organization_id") ?? "?").")
            } catch let error as ConnectorError {
                return (false, error.message)
            }
        case .sageProAgent:
            guard secrets["enrolment_token"] != nil else {
                return (false, "This connection has no enrolment token: make one (New token) and give it to the agent.")
            }
            return try pingAgent(connection, context)
        case .shop:
            // A signed test event the shop can tell apart by its type; nothing is fulfilled by it.
            do {
                try ShopWebhookClient.forConnection(connection, secrets: secrets, transport: .withinRequest)
                    .send(type: "clearline.ping", id: "ping:\(UUID().lowercasedText)", data: .object([:]))
                return (true, "The shop accepted a signed test delivery.")
            } catch let error as ConnectorError {
                return (false, error.message)
            }
        }
    }

    /// A `ping` through the agent and back: proves the agent holds the token and can reach Sage
    /// Pro. An agent polls at least every 30 s, so one not seen for a minute is reported at once.
    static func pingAgent(_ connection: Connection, _ context: RequestContext) throws -> (Bool, String) {
        let tenantId = try context.tenantId
        let presence = try context.tenantTransaction { try $0.agentCommands.presence(tenantId: tenantId, connectionId: connection.id) }
        guard let seen = presence?.lastSeenAt, Date().timeIntervalSince(seen) < 60 else {
            var message =
                presence?.lastSeenAt.map { "The Sage Pro agent last polled \(Int(Date().timeIntervalSince($0))) seconds ago; it is not running." }
                ?? "No Sage Pro agent has polled with this connection's enrolment token yet."
            if let rejected = presence?.lastRejectedAt, rejected > (presence?.lastSeenAt ?? .distantPast) {
                message += " An agent polled with a wrong token \(Int(Date().timeIntervalSince(rejected))) seconds ago: check the token in its configuration."
            }
            return (false, message)
        }
        let started = Date()
        let command = try context.tenantTransaction { tx in
            try tx.agentCommands.enqueue(
                tenantId: tenantId, environment: connection.environment, connectionId: connection.id,
                type: SageAgentProtocol.CommandType.ping.rawValue, externalId: "ping-\(UUID().lowercasedString)", payload: "{}")
        }
        while Date().timeIntervalSince(started) < agentPingTimeout {
            Thread.sleep(forTimeInterval: 0.05)
            guard let done = try context.tenantTransaction({ try $0.agentCommands.get(tenantId: tenantId, id: command.id) }),
                done.completedAt != nil
            else { continue }
            let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
            let agent = [presence?.agentHost.map { "on \($0)" }, presence?.agentVersion.map { "version \($0)" }].compactMap { $0 }.joined(separator: ", ")
            guard done.status == .succeeded else { return (false, "The Sage Pro agent answered but failed: \(done.errorMessage ?? "no reason given").") }
            return (true, "The Sage Pro agent\(agent.isEmpty ? "" : " (\(agent))") answered in \(milliseconds) ms.")
        }
        return (false, "The Sage Pro agent is polling but did not answer a ping within \(Int(agentPingTimeout)) seconds.")
    }

    static let agentPingTimeout: TimeInterval = 8

    struct CheckBody: Encodable {
        let ok: Bool
        let status: String
        let message: String
        let checkedAt: Date
    }
}
