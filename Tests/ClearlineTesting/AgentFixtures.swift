public import Foundation
import Testing
@testable import AdminAPI
public import Connectors
public import Domain
import Persistence
public import Sandbox

/// A Sage Pro agent connection, and the sandbox's agent polling the real server.
public enum AgentFixtures {
    public struct Agent: Sendable {
        public let tenant: UUID
        public let connection: UUID
        public let token: String

        public init(tenant: UUID, connection: UUID, token: String) {
            self.tenant = tenant
            self.connection = connection
            self.token = token
        }
    }

    /// A Sage Pro agent connection in a tenant of its own, with the enrolment token Clearline made
    /// for it (shown only in the answer to creating it).
    public static func connection() async throws -> Agent {
        let tenant = try await Fixtures.tenant()
        let reply = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/connections", json: ["kind": "sage_pro", "name": "Sage Pro agent"])
        try #require(reply.status == 201, "\(reply.text)")
        let id = try #require(reply["id"]), token = try #require(reply["enrolment_token"])
        return Agent(tenant: try #require(UUID(uuidString: tenant)), connection: try #require(UUID(uuidString: id)), token: token)
    }

    /// A tenant with all three systems on `sandbox`: a Sage Pro agent connection whose sandbox
    /// agent polls the test server (seen polling), Zoho connected, PayTrace, and `templates`
    /// deployed to dev. What reconciliation's end-to-end tests start from.
    public struct ThreeLedgers: Sendable {
        public let agent: Agent
        public let session: ZohoSession
        /// The PayTrace connection's id.
        public let payTrace: String
        public var tenant: UUID { agent.tenant }
        public var tenantText: String { agent.tenant.uuidString.lowercased() }
        public var base: String { "/v1/tenants/\(tenantText)/environments/dev" }
    }

    public static func threeLedgers(_ sandbox: SandboxServer, templates: [String]) async throws -> ThreeLedgers {
        let agent = try await connection()
        let tenantText = agent.tenant.uuidString.lowercased()
        let session = try await VendorFixtures.connectedZoho(tenantText, sandbox: sandbox)
        let payTrace = try await VendorFixtures.payTrace(tenantText, sandbox: sandbox)
        sandbox.sageAgents.start(
            clearlineURL: URL(string: TestServer.shared.baseURL)!, connectionId: agent.connection, enrolmentToken: agent.token, waitSeconds: 2)
        #expect(try await Wait.until(60) { try presence(agent)?.lastSeenAt != nil }, "the agent polled")
        for template in templates { try await FlowFixtures.deployTemplate(tenantText, template) }
        return ThreeLedgers(agent: agent, session: session, payTrace: payTrace)
    }

    public static func startAgent(_ agent: Agent, wait: Int = 20) async throws -> SageProAgent {
        let running = TestSandbox.shared.sageAgents.start(
            clearlineURL: URL(string: TestServer.shared.baseURL)!, connectionId: agent.connection,
            enrolmentToken: agent.token, waitSeconds: wait)
        // The first poll comes back at once (nothing queued is answered after `wait`), so wait
        // until the server has seen the agent.
        #expect(try await Wait.until(60) { try presence(agent)?.lastSeenAt != nil }, "the agent polled")
        return running
    }

    public static func presence(_ agent: Agent) throws -> AgentPresence? {
        try TestServer.shared.database.transaction(.tenant(agent.tenant)) {
            try AgentCommandStore.presence($0, tenantId: agent.tenant, connectionId: agent.connection)
        }
    }

    public static func enqueue(_ agent: Agent, _ type: SageAgentProtocol.CommandType, _ externalId: String, _ payload: [String: Any]) throws -> UUID {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
        return try TestServer.shared.database.transaction(.tenant(agent.tenant)) {
            try AgentCommandStore.enqueue(
                $0, tenantId: agent.tenant, environment: .dev, connectionId: agent.connection,
                type: type.rawValue, externalId: externalId, payload: json
            ).id
        }
    }

    /// The command once the agent has answered it. The deadline only ends a wait that would never
    /// end: a full suite on two cores once kept two agents' commands waiting past 10 s.
    public static func completed(_ agent: Agent, _ id: UUID, within seconds: Double = 60) async throws -> AgentCommand {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let record = try TestServer.shared.database.transaction(.tenant(agent.tenant)) { try AgentCommandStore.get($0, tenantId: agent.tenant, id: id) }
            if let record, record.completedAt != nil { return record }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("command \(id) did not complete within \(seconds) s")
        throw CancellationError()
    }

    public static func result(_ record: AgentCommand) throws -> [String: Any] {
        let text = try #require(record.result)
        return try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
