public import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
public import Connectors

/// The sandbox's emulated Pro company, reached over the sandbox's port: how `clearline agent`
/// runs against the sandbox from a process of its own. A lost answer is a retryable failure;
/// the company's crosswalk keeps the command from applying twice when it comes again.
public struct SandboxCompanyBackend: SageProBackend {
    public let applyURL: URL
    let transport = HTTPTransport.unguarded(timeout: 30)

    public init(sandboxURL: URL, connectionId: UUID) {
        applyURL = sandboxURL.appendingPathComponent("_sandbox/sage/\(connectionId.uuidString.lowercased())/apply")
    }

    public func apply(_ command: SageAgentProtocol.Command) -> SageAgentProtocol.Result {
        do {
            var request = URLRequest(url: applyURL)
            request.httpMethod = "POST"
            request.httpBody = try SageAgentProtocol.encoder.encode(command)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            let reply = try transport.send(request, vendor: "the sandbox")
            guard reply.status == 200 else { throw ConnectorError(.retryable, "the sandbox answered HTTP \(reply.status)") }
            return try SageAgentProtocol.decoder.decode(SageAgentProtocol.Result.self, from: reply.body)
        } catch {
            return .failed(command.commandId, .init(code: "internal", message: "The sandbox's Sage Pro did not answer: \(error)", retryable: true))
        }
    }
}
