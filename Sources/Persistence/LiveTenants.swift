public import Foundation
import Domain

/// Tenants this process found live (not deleted) in the last half minute. A transaction in such
/// a tenant's scope sends its BEGIN, scope and liveness check along with its first statement,
/// one round trip fewer; any other tenant's transaction checks first, so its body never runs for
/// a tenant that is gone. The check still travels with every transaction: a tenant deleted by
/// another process meanwhile is refused all the same (its body ran, its writes roll back).
/// Deleting a tenant forgets it here at once, and the other processes at its notice.
public enum LiveTenants {
    static let lifetime: Duration = .seconds(30)
    private static let state = BlockingLock<(seen: [UUID: ContinuousClock.Instant], generation: UInt64)>(([:], 0))

    static func isKnownLive(_ id: UUID) -> Bool {
        state.withLock { state in
            guard let seen = state.seen[id] else { return false }
            return ContinuousClock.now - seen < lifetime
        }
    }

    /// The generation to hand back to `confirm`, taken before the check.
    static var generation: UInt64 { state.withLock { $0.generation } }

    /// Records a passed check, unless a tenant was forgotten since it was sent.
    static func confirm(_ id: UUID, checkedAt generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            let now = ContinuousClock.now
            // Seen in the last few seconds: nothing to note, no write to the shared table.
            if let seen = state.seen[id], now - seen < .seconds(5) { return }
            if state.seen.count >= 100_000 { state.seen.removeAll(keepingCapacity: true) }
            state.seen[id] = now
        }
    }

    public static func forget(_ id: UUID) {
        state.withLock { state in
            state.generation &+= 1
            state.seen[id] = nil
        }
    }
}
