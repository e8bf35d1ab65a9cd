public import Foundation
public import Logging
public import Connectors
import SageAgent

/// The on-premises agent, emulated: the agent loop of `clearline agent` applying batches to the
/// sandbox's `SageProCompany`, with the sandbox's faults in between. Faults queued for the
/// service `sage` (any agent) or `sage:<connection id>` (this one) act on the next command: an
/// HTTP status stands for a record Pro has locked (a retryable failure), `drop` applies the
/// command and loses the result (so Clearline hands it out again after the lease), `timeout`
/// stalls before applying.
public final class SageProAgent: Sendable {
    public let company: SageProCompany
    let loop: AgentLoop

    public init(client: SageAgentClient, company: SageProCompany, faults: FaultInjector, logger: Logger) {
        self.company = company
        let service = "sage:\(client.connectionId.uuidString.lowercased())"
        loop = AgentLoop(client: client, backend: company, logger: logger) { command, backend in
            switch faults.next(for: service) ?? faults.next(for: "sage") {
            case .status?:
                return .failed(command.commandId, .init(code: "record_locked", message: "ARCUST is locked by another Pro user.", retryable: true))
            case .dropAfterCommit?:
                _ = backend.apply(command)
                return nil
            case .timeout(let seconds)?, .slow(let seconds)?:
                Thread.sleep(forTimeInterval: seconds)
                return backend.apply(command)
            case nil:
                return backend.apply(command)
            }
        }
    }

    public var connectionId: UUID { loop.connectionId }
    /// Polls answered so far (with or without a batch), for tests that wait for the agent.
    public var pollCount: Int { loop.pollCount }

    public func start() { loop.start() }

    /// Stops after the poll in flight returns.
    public func stop() { loop.stop() }
}
