import Foundation
public import Logging
public import Persistence
public import Domain

/// What runs a job of one kind. `run` does the slow outside work (vendor calls) with no
/// database connection held, and returns the effects to write: they run in the transaction that
/// completes the job, so they happen exactly when the job completes, once.
public protocol JobHandler: Sendable {
    func run(_ job: Job, _ context: JobContext) throws -> JobEffects
    /// Called in the transaction that moves the job to the dead letters, to record what the job
    /// was part of (a run) as stopped, with the reason.
    func died(_ job: Job, reason: String, _ tx: Transaction) throws
}

extension JobHandler {
    public func died(_ job: Job, reason: String, _ tx: Transaction) throws {}
}

/// Writes that commit with the job's completion (in the job's tenant scope).
public struct JobEffects: Sendable {
    /// The writes; returns the jobs that follow this one (a run's next step), which the pool
    /// queues in the same transaction and may take for its own workers at once (`JobQueue.enqueueTaken`).
    let write: @Sendable (Transaction) throws -> [NewJob]
    /// What was asked of a vendor and what it answered, for the attempt log: plain words and
    /// counts, never secrets or card data.
    let summary: [String: String]?

    public init(summary: [String: String]? = nil, _ write: @escaping @Sendable (Transaction) throws -> Void) {
        self.write = {
            try write($0)
            return []
        }
        self.summary = summary
    }

    private init(summary: [String: String]?, writing write: @escaping @Sendable (Transaction) throws -> [NewJob]) {
        self.write = write
        self.summary = summary
    }

    /// Writes that name the jobs to follow, queued by the pool rather than by the writes.
    public static func following(summary: [String: String]? = nil, _ write: @escaping @Sendable (Transaction) throws -> [NewJob]) -> JobEffects {
        JobEffects(summary: summary, writing: write)
    }

    public static let none = JobEffects { _ in }
}

public struct JobContext: Sendable {
    public let database: Database
    public let vault: Vault
    public let logger: Logger
    /// `host:pid:index`.
    public let worker: String
}

/// A job of an unknown kind cannot succeed by retrying.
public struct UnknownJobKind: Error, CustomStringConvertible {
    public let kind: String
    public var description: String { "no handler for jobs of kind \(kind)" }
}

/// A failure that retrying cannot fix (bad payload, a vendor's validation error).
public struct PermanentJobFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A step with nothing to act on in the target (a decline for an order no sales order was made
/// for): recorded as skipped, with why, rather than failed.
struct StepSkipped: Error {
    let reason: String
}
