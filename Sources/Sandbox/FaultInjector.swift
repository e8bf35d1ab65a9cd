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
        /// The call is served, `seconds` late: a vendor under load.
        case slow(seconds: Double)

        /// A fault the sandbox answers by sleeping first.
        var delays: Bool {
            switch self {
            case .timeout, .slow: true
            case .status, .dropAfterCommit: false
            }
        }
    }

    /// A fault that strikes at random, each call with `probability`; `writesOnly` spares GETs.
    public struct ChaosRule: Sendable {
        public let fault: Fault
        public let probability: Double
        public let writesOnly: Bool
        public init(_ fault: Fault, probability: Double, writesOnly: Bool = false) {
            self.fault = fault
            self.probability = probability
            self.writesOnly = writesOnly
        }
    }

    private let queued = Mutex<[String: [Fault]]>([:])
    private let chaos = Mutex<[String: [ChaosRule]]>([:])

    public init() {}

    public func inject(_ fault: Fault, service: String, count: Int) {
        queued.withLock { $0[service, default: []] += Array(repeating: fault, count: count) }
    }

    /// From now on, every call to `service` may fail by these rules (tried in order); an empty
    /// list calms it.
    public func setChaos(_ rules: [ChaosRule], service: String) {
        chaos.withLock { $0[service] = rules.isEmpty ? nil : rules }
    }

    /// The fault for this call to `service`: a queued one first, else one drawn by the chaos rules.
    func next(for service: String, write: Bool = true) -> Fault? {
        let fault = queued.withLock { queue -> Fault? in
            guard var faults = queue[service], !faults.isEmpty else { return nil }
            let fault = faults.removeFirst()
            queue[service] = faults
            return fault
        }
        if let fault { return fault }
        guard let rules = chaos.withLock({ $0[service] }) else { return nil }
        var draw = Double.random(in: 0..<1)
        for rule in rules where write || !rule.writesOnly {
            if draw < rule.probability { return rule.fault }
            draw -= rule.probability
        }
        return nil
    }

    /// How many injected faults wait for calls to `service`.
    public func queued(for service: String) -> Int { queued.withLock { $0[service]?.count ?? 0 } }

    /// Whether the next call to `service` could be made to wait: a slow or timeout fault first in
    /// its line, or chaos rules that can draw one. Looked at without taking anything.
    func mayDelay(_ service: String) -> Bool {
        if let first = queued.withLock({ $0[service]?.first }) { return first.delays }
        return chaos.withLock { $0[service]?.contains { $0.fault.delays } ?? false }
    }

    public func clear() {
        queued.withLock { $0 = [:] }
        chaos.withLock { $0 = [:] }
    }
}
