public import Foundation
public import Logging
public import Connectors
import Synchronization

/// The on-premises agent, emulated: it long-polls Clearline with the connection's enrolment
/// token, applies each signed batch to its `SageProCompany` in order, and posts the results.
/// Faults queued for the service `sage` (any agent) or `sage:<connection id>` (this one) act on
/// the next command: an HTTP status stands for a
/// record Pro has locked (a retryable failure), `drop` applies the command and loses the result
/// (so Clearline hands it out again after the lease), `timeout` stalls before applying.
public final class SageProAgent: Sendable {
    public let company: SageProCompany
    let client: SageAgentClient
    let faults: FaultInjector
    let logger: Logger
    private let stopping = Mutex(false)
    private let polls = Mutex(0)

    public init(client: SageAgentClient, company: SageProCompany, faults: FaultInjector, logger: Logger) {
        self.client = client
        self.company = company
        self.faults = faults
        self.logger = logger
    }

    public var connectionId: UUID { client.connectionId }
    /// Polls answered so far (with or without a batch), for tests that wait for the agent.
    public var pollCount: Int { polls.withLock { $0 } }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "sage-agent"
        thread.start()
    }

    /// Stops after the poll in flight returns.
    public func stop() { stopping.withLock { $0 = true } }

    private var isStopping: Bool { stopping.withLock { $0 } }

    private func run() {
        var backoff = 0.2
        while !isStopping {
            do {
                let batch = try client.poll()
                polls.withLock { $0 += 1 }
                backoff = 0.2
                guard let batch, !isStopping else { continue }
                var results: [SageAgentProtocol.Result] = []
                for command in batch.commands {
                    switch faults.next(for: "sage:\(connectionId.uuidString.lowercased())") ?? faults.next(for: "sage") {
                    case .status?:
                        results.append(.failed(command.commandId, .init(code: "record_locked", message: "ARCUST is locked by another Pro user.", retryable: true)))
                    case .dropAfterCommit?:
                        _ = company.apply(command)
                    case .timeout(let seconds)?:
                        Thread.sleep(forTimeInterval: seconds)
                        results.append(company.apply(command))
                    case nil:
                        results.append(company.apply(command))
                    }
                }
                if !results.isEmpty { try client.post(SageAgentProtocol.Results(batchId: batch.batchId, results: results)) }
            } catch {
                logger.warning("sage agent: \(error)")
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
            }
        }
    }
}
