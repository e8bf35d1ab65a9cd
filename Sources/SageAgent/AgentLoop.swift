public import Foundation
public import Logging
public import Connectors
import Synchronization

/// The agent's work: long-poll Clearline for a signed batch, apply its commands in order to the
/// backend, post the results, again until stopped. A failed poll or post is retried with backoff
/// (up to 5 s): Clearline hands out again whatever was not answered within the lease.
public final class AgentLoop: Sendable {
    /// Stands between a command and the backend; the sandbox injects its faults here. Returning
    /// nil loses the result (the command stays leased and is handed out again).
    public typealias Apply = @Sendable (SageAgentProtocol.Command, any SageProBackend) -> SageAgentProtocol.Result?

    public let client: SageAgentClient
    public let backend: any SageProBackend
    let applying: Apply
    let logger: Logger
    private let stopping = Mutex(false)
    private let polls = Mutex(0)
    private let applied = Mutex(0)

    public init(
        client: SageAgentClient, backend: any SageProBackend, logger: Logger,
        apply: @escaping Apply = { command, backend in backend.apply(command) }
    ) {
        self.client = client
        self.backend = backend
        self.logger = logger
        self.applying = apply
    }

    public var connectionId: UUID { client.connectionId }
    /// Polls answered so far (with or without a batch), for tests that wait for the agent.
    public var pollCount: Int { polls.withLock { $0 } }
    /// Commands applied so far, for the progress line.
    public var appliedCount: Int { applied.withLock { $0 } }

    /// Runs on a thread of its own.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "sage-agent"
        thread.start()
    }

    /// Stops after the poll in flight returns.
    public func stop() { stopping.withLock { $0 = true } }

    public var isStopping: Bool { stopping.withLock { $0 } }

    /// Results in parts small enough for one request each: a batch of reads can answer megabytes.
    public static func parts(_ results: [SageAgentProtocol.Result]) throws -> [[SageAgentProtocol.Result]] {
        var parts: [[SageAgentProtocol.Result]] = [], part: [SageAgentProtocol.Result] = [], bytes = 0
        for result in results {
            let size = try SageAgentProtocol.encoder.encode(result).count
            if !part.isEmpty, bytes + size > SageAgentProtocol.resultsPartBytes {
                parts.append(part)
                part = []
                bytes = 0
            }
            part.append(result)
            bytes += size
        }
        if !part.isEmpty { parts.append(part) }
        return parts
    }

    /// Polls until `stop()`; returns then.
    public func run() {
        var backoff = 0.2
        while !isStopping {
            do {
                let batch = try client.poll()
                polls.withLock { $0 += 1 }
                backoff = 0.2
                guard let batch, !isStopping else { continue }
                let results = batch.commands.compactMap { applying($0, backend) }
                applied.withLock { $0 += batch.commands.count }
                for part in try Self.parts(results) { try client.post(SageAgentProtocol.Results(batchId: batch.batchId, results: part)) }
                logger.info("sage agent: applied \(batch.commands.count) command(s) of batch \(batch.batchId.uuidString.lowercased())")
            } catch {
                logger.warning("sage agent: \(error)")
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
            }
        }
    }
}
