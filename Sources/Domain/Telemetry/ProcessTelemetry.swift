import Synchronization

/// What this process has done since it started, for `/metrics`: vendor calls, run outcomes and
/// step latency. Every label comes from a closed set or is capped (`maxOperations`), so the
/// number of series stays bounded however many tenants, connections or URLs there are.
public final class ProcessTelemetry: Sendable {
    public static let shared = ProcessTelemetry()

    /// Seconds; the same bounds for every histogram here.
    public static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    /// Distinct vendor operations kept as labels; any further one is counted as "other".
    public static let maxOperations = 64

    public struct VendorCallKey: Hashable, Sendable {
        public let vendor: String
        public let operation: String
        public let outcome: VendorCallOutcome
    }

    public struct Histogram: Sendable {
        public var counts = [Int](repeating: 0, count: ProcessTelemetry.buckets.count)
        public var total = 0
        public var sum = 0.0

        mutating func observe(_ seconds: Double) {
            if let bucket = ProcessTelemetry.buckets.firstIndex(where: { seconds <= $0 }) { counts[bucket] += 1 }
            total += 1
            sum += seconds
        }
    }

    public struct Snapshot: Sendable {
        public var vendorCalls: [VendorCallKey: Int] = [:]
        public var vendorCallSeconds: [String: Histogram] = [:]
        /// By run status (succeeded, failed, review).
        public var runOutcomes: [String: Int] = [:]
        /// By step target (a schema name from the closed catalogue).
        public var stepSeconds: [String: Histogram] = [:]
        var operations: Set<String> = []
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func vendorCall(vendor: String, operation: String, outcome: VendorCallOutcome, seconds: Double) {
        state.withLock { state in
            var operation = operation
            if !state.operations.contains(operation) {
                if state.operations.count < Self.maxOperations { state.operations.insert(operation) } else { operation = "other" }
            }
            state.vendorCalls[VendorCallKey(vendor: vendor, operation: operation, outcome: outcome), default: 0] += 1
            state.vendorCallSeconds[vendor, default: Histogram()].observe(seconds)
        }
    }

    public func runFinished(_ status: String) {
        state.withLock { $0.runOutcomes[status, default: 0] += 1 }
    }

    public func stepTook(target: String, seconds: Double) {
        state.withLock { $0.stepSeconds[target, default: Histogram()].observe(seconds) }
    }
}

/// How a vendor call ended, in as few words as an operator needs.
public enum VendorCallOutcome: String, Sendable, CaseIterable {
    case ok
    case clientError = "client_error"
    case rateLimited = "rate_limited"
    case serverError = "server_error"
    /// No HTTP answer: refused, timed out, cut off, or stopped by the outbound policy.
    case network

    public init(status: Int) {
        switch status {
        case 429: self = .rateLimited
        case 400..<500: self = .clientError
        case 500...: self = .serverError
        default: self = .ok
        }
    }

    public var isFailure: Bool { self != .ok }
}

/// A vendor call's operation as a label: the method and the path's words, without ids or
/// versions, so `GET /books/v3/invoices/98200000` and every other invoice read share one.
public enum VendorOperation {
    public static func name(method: String, path: String) -> String {
        let words = path.split(separator: "/").filter { segment in
            guard !segment.isEmpty, segment.utf8.count <= 32 * 4 else { return false }
            // Over bytes when ASCII (every vendor path here): by Character it was a sizeable part
            // of each vendor call's own work.
            if segment.utf8.allSatisfy({ $0 < 0x80 }) {
                return segment.utf8.count <= 32
                    && segment.utf8.allSatisfy { byte in
                        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                            || byte == UInt8(ascii: ".")
                    }
            }
            return segment.count <= 32 && segment.allSatisfy { $0.isLetter || $0 == "_" || $0 == "-" || $0 == "." }
        }
        let kept: [String] = words.prefix(4).map { String($0) }
        return ([method.uppercased()] + kept).joined(separator: " ")
    }
}
