import Foundation
import Synchronization

/// Faults the next calls to an emulated service will suffer, so tests and the demo can show
/// how Clearline copes: an HTTP error status, a response that never comes, or a write that is
/// committed and whose answer is then lost.
public final class FaultInjector: Sendable {
    public enum Fault: Sendable, Equatable {
        case status(Int, retryAfter: Int?)
        case timeout(seconds: Double)
        case dropAfterCommit
    }

    private let queued = Mutex<[String: [Fault]]>([:])

    public init() {}

    public func inject(_ fault: Fault, service: String, count: Int) {
        queued.withLock { $0[service, default: []] += Array(repeating: fault, count: count) }
    }

    /// The fault for this call to `service`, if one is queued.
    func next(for service: String) -> Fault? {
        queued.withLock { queue in
            guard var faults = queue[service], !faults.isEmpty else { return nil }
            let fault = faults.removeFirst()
            queue[service] = faults
            return fault
        }
    }

    public func clear() { queued.withLock { $0 = [:] } }
}
