public import Foundation
import Logging
import Connectors
import HTTPServer
import Synchronization

/// The sandbox's Sage Pro agents, one per Clearline connection, each with its own company that
/// outlives an agent restart. `POST /_sandbox/sage/agents` starts one (the demo seed does), and
/// the tables can be read back at `/_sandbox/sage/{connectionId}/tables/{table}`. An agent run
/// outside the sandbox applies its commands with `POST /_sandbox/sage/{connectionId}/apply`.
public final class SageAgents: Sendable {
    private struct Entry {
        let agent: SageProAgent?
        let company: SageProCompany
    }

    private let entries = Mutex<[UUID: Entry]>([:])
    let faults: FaultInjector
    let logger: Logger

    init(faults: FaultInjector, logger: Logger) {
        self.faults = faults
        self.logger = logger
    }

    /// Starts (or restarts) the agent of `connectionId`.
    @discardableResult
    public func start(clearlineURL: URL, connectionId: UUID, enrolmentToken: String, waitSeconds: Int = 25) -> SageProAgent {
        let client = SageAgentClient(baseURL: clearlineURL, connectionId: connectionId, enrolmentToken: enrolmentToken, waitSeconds: waitSeconds)
        let agent = entries.withLock { entries in
            entries[connectionId]?.agent?.stop()
            let company = entries[connectionId]?.company ?? SageProCompany()
            let agent = SageProAgent(client: client, company: company, faults: faults, logger: logger)
            entries[connectionId] = Entry(agent: agent, company: company)
            return agent
        }
        agent.start()
        return agent
    }

    public func stop(connectionId: UUID) -> Bool {
        entries.withLock { entries in
            guard let entry = entries[connectionId], let agent = entry.agent else { return false }
            agent.stop()
            entries[connectionId] = Entry(agent: nil, company: entry.company)
            return true
        }
    }

    public func stopAll() {
        entries.withLock { entries in for entry in entries.values { entry.agent?.stop() } }
    }

    public func company(_ connectionId: UUID) -> SageProCompany? {
        entries.withLock { $0[connectionId]?.company }
    }

    /// The company of `connectionId`, made on first use: what an agent outside the sandbox
    /// (`clearline agent --backend sandbox`) applies its commands to.
    func companyMadeIfNeeded(_ connectionId: UUID) -> SageProCompany {
        entries.withLock { entries in
            if let entry = entries[connectionId] { return entry.company }
            let company = SageProCompany()
            entries[connectionId] = Entry(agent: nil, company: company)
            return company
        }
    }

    func routes(into router: inout Router<SandboxHandler>) {
        router.add("POST", "/_sandbox/sage/agents") { [self] request in
            let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            guard let urlText = object["clearline_url"] as? String, let url = URL(string: urlText), url.scheme?.hasPrefix("http") == true,
                let idText = object["connection_id"] as? String, let connectionId = UUID(uuidString: idText),
                let token = object["enrolment_token"] as? String, !token.isEmpty
            else {
                return SandboxResponses.json(400, ["error": "send clearline_url, connection_id and enrolment_token"])
            }
            let wait = min(max((object["wait_seconds"] as? Int) ?? 25, 0), 30)
            start(clearlineURL: url, connectionId: connectionId, enrolmentToken: token, waitSeconds: wait)
            return SandboxResponses.json(201, ["connection_id": connectionId.uuidString.lowercased(), "status": "polling"])
        }
        router.add("DELETE", "/_sandbox/sage/agents/{connectionId}") { [self] request in
            guard let connectionId = UUID(uuidString: request.path.split(separator: "/").last.map(String.init) ?? ""), stop(connectionId: connectionId) else {
                return SandboxResponses.json(404, ["error": "no agent for this connection"])
            }
            return SandboxResponses.json(200, ["stopped": true])
        }
        router.add("POST", "/_sandbox/sage/{connectionId}/apply") { [self] request in
            let parts = request.path.split(separator: "/").map(String.init)
            guard parts.count == 4, let connectionId = UUID(uuidString: parts[2]) else { return SandboxResponses.json(404, ["error": "no such company"]) }
            guard let command = try? SageAgentProtocol.decoder.decode(SageAgentProtocol.Command.self, from: Data(request.body)) else {
                return SandboxResponses.json(400, ["error": "send one agent protocol command: command_id, type, external_id, delivery, payload"])
            }
            let result = companyMadeIfNeeded(connectionId).apply(command)
            let body = (try? SageAgentProtocol.encoder.encode(result)) ?? Data("{}".utf8)
            return Response(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
        }
        router.add("GET", "/_sandbox/sage/{connectionId}/tables/{table}") { [self] request in
            let parts = request.path.split(separator: "/").map(String.init)
            guard parts.count == 5, let connectionId = UUID(uuidString: parts[2]), let company = company(connectionId),
                let rows = company.rows(parts[4])
            else {
                return SandboxResponses.json(404, ["error": "no such agent or table"])
            }
            let body = (try? SageAgentProtocol.encoder.encode(["rows": rows])) ?? Data("{}".utf8)
            return Response(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
        }
    }
}
