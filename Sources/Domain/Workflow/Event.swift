public import Foundation

/// An event as it arrived (card numbers already masked): one per (tenant, environment, source,
/// vendor event id).
public struct Event: Sendable, Equatable {
    public let id: UUID
    public let tenantId: UUID
    public let environment: EnvironmentName
    public let source: String
    public let vendorEventId: String
    public let type: String
    public let endpointId: UUID?
    /// JSON text.
    public let payload: String
    public let status: EventStatus
    public let receivedAt: Date

    public init(
        id: UUID, tenantId: UUID, environment: EnvironmentName, source: String, vendorEventId: String, type: String, endpointId: UUID?,
        payload: String, status: EventStatus, receivedAt: Date
    ) {
        self.id = id
        self.tenantId = tenantId
        self.environment = environment
        self.source = source
        self.vendorEventId = vendorEventId
        self.type = type
        self.endpointId = endpointId
        self.payload = payload
        self.status = status
        self.receivedAt = receivedAt
    }
}

/// An event to store; its payload is JSON text with card numbers already masked.
public struct NewEvent: Sendable {
    public let tenantId: UUID
    public let environment: EnvironmentName
    public let source: String
    public let vendorEventId: String
    public let type: String
    public let endpointId: UUID?
    public let payload: String

    public init(tenantId: UUID, environment: EnvironmentName, source: String, vendorEventId: String, type: String, endpointId: UUID?, payload: String) {
        self.tenantId = tenantId
        self.environment = environment
        self.source = source
        self.vendorEventId = vendorEventId
        self.type = type
        self.endpointId = endpointId
        self.payload = payload
    }

    /// What makes two deliveries the same event.
    public var deduplicationKey: String { "\(tenantId)|\(environment.rawValue)|\(source)|\(vendorEventId)" }
}

/// Which events a list shows.
public struct EventFilter: Sendable {
    public var source: String?
    public var status: EventStatus?
    public var since: Date?
    public var until: Date?

    public init(source: String? = nil, status: EventStatus? = nil, since: Date? = nil, until: Date? = nil) {
        self.source = source
        self.status = status
        self.since = since
        self.until = until
    }
}
