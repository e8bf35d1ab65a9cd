import Foundation
import Synchronization

/// Bounds the vendor calls that run inside a request (Test, Connect): each holds an executor
/// thread for as long as the vendor takes, so without a bound one tenant pointing a connection
/// at a stalled server, and pressing Test twenty times, held every thread. A tenant gets at most
/// `perTenant` such calls at once and all tenants together `total`; a call beyond either is
/// refused at once with 429, not queued, since a queued call would hold a thread too.
final class OutboundCallSlots: Sendable {
    let total: Int
    let perTenant: Int
    private let taken = Mutex<(all: Int, byTenant: [UUID: Int])>((0, [:]))

    init(total: Int, perTenant: Int) {
        self.total = max(1, total)
        self.perTenant = max(1, min(perTenant, total))
    }

    /// Runs `call` in a slot of `tenantId`'s, or throws 429 when none is free.
    func run<T>(tenantId: UUID, _ call: () throws -> T) throws -> T {
        guard let result = try ifFree(tenantId: tenantId, call) else {
            throw Problem(
                status: 429, title: "Too Many Requests",
                detail:
                    "Clearline is already waiting on \(perTenant) vendor calls for this tenant (or on its limit for all tenants); try again when they finish.",
                headers: [("Retry-After", "5")])
        }
        return result
    }

    /// Runs `call` in a slot of `tenantId`'s when one is free; nil (`call` not run) when none is:
    /// for a check a request can do without, such as asking PayTrace whether a customer exists.
    func ifFree<T>(tenantId: UUID, _ call: () throws -> T) throws -> T? {
        let granted = taken.withLock { state -> Bool in
            guard state.all < total, state.byTenant[tenantId, default: 0] < perTenant else { return false }
            state.all += 1
            state.byTenant[tenantId, default: 0] += 1
            return true
        }
        guard granted else { return nil }
        defer {
            taken.withLock { state in
                state.all -= 1
                let left = state.byTenant[tenantId, default: 1] - 1
                state.byTenant[tenantId] = left > 0 ? left : nil
            }
        }
        return try call()
    }

    /// Calls in flight, for a test.
    var inFlight: Int { taken.withLock { $0.all } }
}
