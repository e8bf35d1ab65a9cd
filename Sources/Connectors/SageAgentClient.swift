public import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Crypto

/// The agent's side of the Sage Pro agent protocol: long-poll Clearline for a signed batch,
/// post signed results. Used by the sandbox's emulated agent and by the agent self-test.
public struct SageAgentClient: Sendable {
    public let baseURL: URL
    public let connectionId: UUID
    let enrolmentToken: String
    let key: [UInt8]
    let agentVersion: String
    let transport: HTTPTransport
    let waitSeconds: Int

    public init(baseURL: URL, connectionId: UUID, enrolmentToken: String, agentVersion: String = "sandbox-1", waitSeconds: Int = 25) {
        self.baseURL = baseURL
        self.connectionId = connectionId
        self.enrolmentToken = enrolmentToken
        self.key = SageAgentProtocol.signingKey(enrolmentToken: enrolmentToken)
        self.agentVersion = agentVersion
        self.waitSeconds = waitSeconds
        self.transport = HTTPTransport.unguarded(timeout: TimeInterval(waitSeconds + 10))
    }

    /// The next batch, or nil when none came within the wait. A batch whose signature does not
    /// verify is refused: the agent acts only on what Clearline signed, recently.
    public func poll() throws -> SageAgentProtocol.Batch? {
        var components = URLComponents(
            url: baseURL.appendingPathComponent(SageAgentProtocol.commandsPath(connectionId: connectionId)),
            resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "wait", value: String(waitSeconds))]
        var request = URLRequest(url: components.url!)
        authorize(&request)
        let reply = try transport.send(request, vendor: "Clearline")
        if reply.status == 204 { return nil }
        if let error = ConnectorError.forStatus(reply.status, vendor: "Clearline", retryAfter: reply.header("retry-after")) { throw error }
        do {
            try SignatureHeader.verify(reply.header(SignatureHeader.name), body: Array(reply.body), keys: [key], now: Int(Date().timeIntervalSince1970))
        } catch {
            throw ConnectorError(.authentication, "The command batch's signature did not verify (\(error)); nothing was run.")
        }
        do {
            return try SageAgentProtocol.decoder.decode(SageAgentProtocol.Batch.self, from: reply.body)
        } catch {
            throw ConnectorError(.permanent, "The command batch was not in the agent protocol's shape.")
        }
    }

    /// Posts outcomes; results for commands already completed are ignored by Clearline.
    public func post(_ results: SageAgentProtocol.Results) throws {
        var request = URLRequest(url: baseURL.appendingPathComponent(SageAgentProtocol.resultsPath(connectionId: connectionId)))
        request.httpMethod = "POST"
        let body = try SageAgentProtocol.encoder.encode(results)
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(SignatureHeader.sign(Array(body), key: key, time: Int(Date().timeIntervalSince1970)), forHTTPHeaderField: SignatureHeader.name)
        authorize(&request)
        let reply = try transport.send(request, vendor: "Clearline")
        if let error = ConnectorError.forStatus(reply.status, vendor: "Clearline", retryAfter: reply.header("retry-after")) { throw error }
    }

    private func authorize(_ request: inout URLRequest) {
        request.setValue("Bearer \(enrolmentToken)", forHTTPHeaderField: "Authorization")
        request.setValue("clearline-sage-agent/\(agentVersion)", forHTTPHeaderField: "User-Agent")
        request.setValue(ProcessInfo.processInfo.hostName, forHTTPHeaderField: "Clearline-Agent-Host")
    }
}
