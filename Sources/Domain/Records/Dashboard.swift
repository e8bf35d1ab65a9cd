public import Foundation

/// The period a dashboard covers, cut into buckets that end at the next bucket boundary after
/// now (so one bucket's figures do not move from one bucket to the next between two looks).
public struct DashboardWindow: Sendable, Equatable {
    public let range: String
    public let from: Date
    public let to: Date
    public let bucketSeconds: Int
    public var bucketCount: Int { Int(to.timeIntervalSince(from)) / bucketSeconds }

    /// 24 hourly buckets, 28 of six hours, or 30 days.
    public static let ranges: [String: (buckets: Int, seconds: Int)] = ["24h": (24, 3_600), "7d": (28, 21_600), "30d": (30, 86_400)]

    public init?(range: String, now: Date = Date()) {
        guard let shape = Self.ranges[range] else { return nil }
        let end = (Int(now.timeIntervalSince1970) / shape.seconds + 1) * shape.seconds
        self.range = range
        self.bucketSeconds = shape.seconds
        self.to = Date(timeIntervalSince1970: TimeInterval(end))
        self.from = Date(timeIntervalSince1970: TimeInterval(end - shape.buckets * shape.seconds))
    }

    public func bucketStart(_ index: Int) -> Date { from.addingTimeInterval(TimeInterval(index * bucketSeconds)) }
}

/// One tenant environment's health over a window: what arrived, what the runs did, how long it
/// took, what waits, and how each connection is doing.
public struct DashboardFigures: Sendable {
    public struct Bucket: Sendable, Equatable {
        public var events = 0
        public var succeeded = 0
        public var failed = 0
        public var review = 0
        public var running = 0
        public init() {}
    }

    public struct Latency: Sendable, Equatable {
        /// Webhook (event received) to the run's last step written, over succeeded runs.
        public let p50Seconds: Double?
        public let p95Seconds: Double?
        public let samples: Int
        public init(p50Seconds: Double?, p95Seconds: Double?, samples: Int) {
            self.p50Seconds = p50Seconds
            self.p95Seconds = p95Seconds
            self.samples = samples
        }
    }

    public struct Queue: Sendable, Equatable {
        public let queued: Int
        public let running: Int
        public let oldestWaitSeconds: Double
        public init(queued: Int, running: Int, oldestWaitSeconds: Double) {
            self.queued = queued
            self.running = running
            self.oldestWaitSeconds = oldestWaitSeconds
        }
    }

    public struct ConnectionHealth: Sendable {
        public let connection: Connection
        /// What it last did; nil when it has done nothing yet.
        public let activity: ConnectionActivity?
        /// Calls and failures per bucket.
        public let calls: [(calls: Int, failures: Int)]
        public init(connection: Connection, activity: ConnectionActivity?, calls: [(calls: Int, failures: Int)]) {
            self.connection = connection
            self.activity = activity
            self.calls = calls
        }
    }

    /// The first steps a new tenant takes, each done or not.
    public struct Checklist: Sendable, Equatable {
        public let connected: Bool
        public let deployed: Bool
        public let firstRunSucceeded: Bool
        public init(connected: Bool, deployed: Bool, firstRunSucceeded: Bool) {
            self.connected = connected
            self.deployed = deployed
            self.firstRunSucceeded = firstRunSucceeded
        }
    }

    public let window: DashboardWindow
    public var buckets: [Bucket]
    public var latency: Latency
    public var queue: Queue
    /// Dead letters not replayed yet, however old.
    public var deadLetters: Int
    public var connections: [ConnectionHealth]
    public var checklist: Checklist

    public init(
        window: DashboardWindow, buckets: [Bucket], latency: Latency, queue: Queue, deadLetters: Int, connections: [ConnectionHealth], checklist: Checklist
    ) {
        self.window = window
        self.buckets = buckets
        self.latency = latency
        self.queue = queue
        self.deadLetters = deadLetters
        self.connections = connections
        self.checklist = checklist
    }
}

/// What a connection last did: its breaker, its last vendor call that worked and that failed,
/// and for a Sage Pro agent when it last polled. Its health reads from this, not from how it
/// was last tested.
public struct ConnectionActivity: Sendable {
    public let breaker: CircuitBreakerState?
    public let lastSuccessAt: Date?
    public let lastFailureAt: Date?
    public let lastError: String?
    public let agentLastSeenAt: Date?

    public init(breaker: CircuitBreakerState?, lastSuccessAt: Date?, lastFailureAt: Date?, lastError: String?, agentLastSeenAt: Date?) {
        self.breaker = breaker
        self.lastSuccessAt = lastSuccessAt
        self.lastFailureAt = lastFailureAt
        self.lastError = lastError
        self.agentLastSeenAt = agentLastSeenAt
    }
}

/// One tenant at a glance, for the platform administrator: the last 24 hours over all its
/// environments, and what waits now.
public struct TenantHealth: Sendable, Equatable {
    public var events = 0
    public var succeeded = 0
    public var failed = 0
    public var review = 0
    public var openAlerts = 0
    public var deadLetters = 0
    public var queued = 0
    public var oldestWaitSeconds = 0.0
    public init() {}
}
