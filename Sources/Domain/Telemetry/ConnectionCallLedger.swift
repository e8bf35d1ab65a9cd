public import Foundation
import Synchronization

/// Vendor calls per connection and minute, held in memory until a flusher writes them to the
/// database (`VendorCallStore`), where every process's counts meet and the dashboard reads them.
/// A crash loses at most one flush interval of counts: figures, never events.
public final class ConnectionCallLedger: Sendable {
    public static let shared = ConnectionCallLedger()

    public struct Key: Hashable, Sendable {
        public let tenantId: UUID
        public let connectionId: UUID
        /// The minute the calls fell in (seconds since 1970, a multiple of 60).
        public let minute: Int64
    }

    public struct Tally: Sendable, Equatable {
        public var calls = 0
        public var failures = 0
        public var lastSuccessAt: Date?
        public var lastFailureAt: Date?
        public var lastError: String?
    }

    private let pending = Mutex([Key: Tally]())

    public init() {}

    public func record(tenantId: UUID, connectionId: UUID, at time: Date, failed: Bool, error: String?) {
        let key = Key(tenantId: tenantId, connectionId: connectionId, minute: Int64(time.timeIntervalSince1970 / 60) * 60)
        pending.withLock { pending in
            var tally = pending[key, default: Tally()]
            tally.calls += 1
            if failed {
                tally.failures += 1
                tally.lastFailureAt = time
                tally.lastError = error.map { String($0.prefix(300)) }
            } else {
                tally.lastSuccessAt = time
            }
            pending[key] = tally
        }
    }

    /// Everything recorded since the last drain; the caller writes it or gives it back.
    public func drain() -> [Key: Tally] {
        pending.withLock { pending in
            defer { pending = [:] }
            return pending
        }
    }

    /// Puts back counts a failed flush could not write, so they go with the next one.
    public func restore(_ tallies: [Key: Tally]) {
        pending.withLock { pending in
            for (key, tally) in tallies {
                var merged = pending[key, default: Tally()]
                merged.calls += tally.calls
                merged.failures += tally.failures
                merged.lastSuccessAt = [merged.lastSuccessAt, tally.lastSuccessAt].compactMap { $0 }.max()
                if let failedAt = tally.lastFailureAt, merged.lastFailureAt.map({ failedAt > $0 }) ?? true {
                    merged.lastFailureAt = failedAt
                    merged.lastError = tally.lastError
                }
                pending[key] = merged
            }
        }
    }
}
