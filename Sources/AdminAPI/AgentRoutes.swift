import Foundation
import Connectors
import Crypto
import Domain
import HTTPServer
import Persistence

/// The Sage Pro agent's side of Clearline (`SageAgentProtocol`): a long poll for signed command
/// batches and the results coming back. The agent authenticates with the connection's enrolment
/// token; a wrong token, an unknown or deleted connection all answer the same 401.
enum AgentRoutes {
    static let base = "/agent/v1/connections/{connectionId}"
    static let maxWait = 30
    static let defaultWait = 25
    static let leaseSeconds = 120

    static let endpoints: [Endpoint] = [
        Endpoint("GET", base + "/commands", access: .anonymous, handler: poll),
        Endpoint("POST", base + "/results", access: .anonymous, handler: results),
    ]

    static let unauthorized = Problem(
        status: 401, title: "Unauthorized",
        detail: "Send the connection's enrolment token as `Authorization: Bearer <token>`.",
        headers: [("WWW-Authenticate", "Bearer realm=\"clearline-agent\"")])

    struct Agent {
        let tenantId: UUID
        let environment: EnvironmentName
        let connectionId: UUID
        let signingKey: [UInt8]
    }

    /// The connection the agent names, if its bearer token is that connection's enrolment token.
    static func authenticate(_ context: RequestContext) throws -> Agent {
        guard let connectionId = UUID(text: context.request.pathParameters["connectionId"] ?? ""),
            let header = context.request.header("authorization"), header.hasPrefix("Bearer "),
            case let token = String(header.dropFirst("Bearer ".count)), !token.isEmpty, token.utf8.count <= ConnectionKind.secretMaxLength,
            let (tenantId, environment) = try context.services.stores.locateAgentConnection(connectionId)
        else {
            throw unauthorized
        }
        let guesses = WrongSecretLimit(context, thing: "agent-auth:\(connectionId.lowercasedString)", what: "enrolment tokens")
        try guesses.check()
        let stored = try context.services.stores.transaction(.tenant(tenantId)) { tx in
            try tx.connections.secret(tenantId: tenantId, connectionId: connectionId, name: "enrolment_token")
        }
        guard let stored, Digest.constantTimeEquals(Array(stored.utf8), Array(token.utf8)) else {
            try context.services.stores.transaction(.tenant(tenantId)) { try $0.agentCommands.recordRejected(tenantId: tenantId, connectionId: connectionId) }
            try guesses.recordFailure()
            throw unauthorized
        }
        return Agent(
            tenantId: tenantId, environment: environment, connectionId: connectionId,
            signingKey: SageAgentProtocol.signingKey(enrolmentToken: stored))
    }

    static func poll(_ context: RequestContext) throws -> Response {
        var wait = defaultWait
        if let text = context.request.query["wait"] {
            guard let value = Int(text), (0...maxWait).contains(value) else {
                throw Problem.validation([FieldError(field: "wait", message: "must be an integer from 0 to \(maxWait)")])
            }
            wait = value
        }
        let agent = try authenticate(context)
        let userAgent = context.request.header("user-agent") ?? "unknown"
        let version = userAgent.hasPrefix("clearline-sage-agent/") ? String(userAgent.dropFirst("clearline-sage-agent/".count)) : userAgent
        let host = context.request.header("clearline-agent-host") ?? context.request.clientAddress
        try context.services.stores.transaction(.tenant(agent.tenantId)) {
            try $0.agentCommands.recordSeen(tenantId: agent.tenantId, connectionId: agent.connectionId, version: version, host: host)
        }
        return try answer(context, agent, deadline: Date().addingTimeInterval(TimeInterval(wait)))
    }

    /// A batch if there is one; else the poll parks until a command is queued or the deadline.
    static func answer(_ context: RequestContext, _ agent: Agent, deadline: Date) throws -> Response {
        let wakeups = context.services.agentWakeups
        let generation = wakeups.generation(agent.connectionId)
        if let batch = try claim(context, agent) { return signed(batch, agent) }
        guard deadline > Date(), !wakeups.isStopping else { return Response(status: 204) }
        return .deferred(
            Deferred(wait: { wake in wakeups.park(agent.connectionId, seen: generation, until: deadline, wake: wake) }) {
                do {
                    return try answer(context, agent, deadline: deadline)
                } catch {
                    return ErrorMapping.problem(for: error, requestId: context.requestId, logger: context.services.logger)
                        .response(requestId: context.requestId, path: context.request.path)
                }
            })
    }

    static func claim(_ context: RequestContext, _ agent: Agent) throws -> SageAgentProtocol.Batch? {
        let batchId = UUID()
        let records = try context.services.stores.transaction(.tenant(agent.tenantId)) {
            try $0.agentCommands.claim(tenantId: agent.tenantId, connectionId: agent.connectionId, batchId: batchId, limit: 50, leaseSeconds: leaseSeconds)
        }
        guard !records.isEmpty else { return nil }
        let commands = try records.map { record in
            SageAgentProtocol.Command(
                commandId: record.id, type: record.type, externalId: record.externalId, delivery: record.deliveries,
                payload: try JSONDecoder().decode(JSONValue.self, from: Data(record.payload.utf8)))
        }
        let now = Date()
        return SageAgentProtocol.Batch(
            batchId: batchId, connectionId: agent.connectionId, issuedAt: now,
            leaseUntil: records.compactMap(\.leaseUntil).min() ?? now.addingTimeInterval(TimeInterval(leaseSeconds)),
            commands: commands)
    }

    static func signed(_ batch: SageAgentProtocol.Batch, _ agent: Agent) -> Response {
        let body = Array((try? SageAgentProtocol.encoder.encode(batch)) ?? Data())
        return Response(
            status: 200,
            headers: [
                ("Content-Type", "application/json"),
                (SignatureHeader.name, SignatureHeader.sign(body, key: agent.signingKey, time: Int(Date().timeIntervalSince1970))),
            ], body: body)
    }

    static func results(_ context: RequestContext) throws -> Response {
        let agent = try authenticate(context)
        let body = context.request.body
        do {
            try SignatureHeader.verify(
                context.request.header(SignatureHeader.name.lowercased()), body: body, keys: [agent.signingKey],
                now: Int(Date().timeIntervalSince1970))
        } catch {
            throw Problem(status: 401, title: "Unauthorized", detail: "The results' \(SignatureHeader.name) did not verify (\(error)).")
        }
        let posted: SageAgentProtocol.Results
        do {
            posted = try SageAgentProtocol.decoder.decode(SageAgentProtocol.Results.self, from: Data(body))
        } catch {
            throw Problem.badRequest("The body is not a results document of the agent protocol.")
        }
        guard posted.results.count <= 500 else { throw Problem.validation([FieldError(field: "results", message: "at most 500 per request")]) }
        let accepted = try context.services.stores.transaction(.tenant(agent.tenantId)) { tx in
            try posted.results.reduce(0) { count, result in
                let outcome: AgentCommandOutcome
                switch (result.status, result.error) {
                case (.succeeded, _):
                    let data = try JSONEncoder().encode(result.data ?? .object([:]))
                    outcome = .succeeded(resultJSON: String(decoding: data, as: UTF8.self))
                case (.failed, let failure?):
                    outcome = .failed(code: String(failure.code.prefix(100)), message: String(failure.message.prefix(2000)), retryable: failure.retryable)
                case (.failed, nil):
                    outcome = .failed(code: "internal", message: "The agent reported a failure without saying why.", retryable: true)
                }
                let recorded = try tx.agentCommands.complete(
                    tenantId: agent.tenantId, connectionId: agent.connectionId,
                    commandId: result.commandId, outcome: outcome)
                return count + (recorded ? 1 : 0)
            }
        }
        return context.json(["accepted": accepted, "ignored": posted.results.count - accepted])
    }
}
