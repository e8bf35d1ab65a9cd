public import Foundation

/// Where a tenant's alerts go: a webhook (signed as Standard Webhooks, its body also a chat
/// incoming-webhook's `{"text": ...}`) or e-mail addresses through the platform's SMTP relay.
/// A route takes the alerts of its kinds and environments (all when empty) at `minSeverity` and
/// above; the first waits `gatherSeconds` for others to join it in one message (a digest).
public struct AlertRoute: Sendable {
    public enum Channel: String, Sendable, CaseIterable {
        case webhook
        case email
    }

    public let id: UUID
    public let name: String
    public let channel: Channel
    public let url: String?
    public let recipients: [String]
    public let minSeverity: Alert.Severity
    public let kinds: [String]
    public let environments: [String]
    public let gatherSeconds: Int
    public let enabled: Bool
    public let createdAt: Date

    public init(
        id: UUID, name: String, channel: Channel, url: String?, recipients: [String], minSeverity: Alert.Severity, kinds: [String],
        environments: [String], gatherSeconds: Int, enabled: Bool, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.channel = channel
        self.url = url
        self.recipients = recipients
        self.minSeverity = minSeverity
        self.kinds = kinds
        self.environments = environments
        self.gatherSeconds = gatherSeconds
        self.enabled = enabled
        self.createdAt = createdAt
    }

    /// The route as changed: each non-nil setting replaces the route's.
    public func applying(_ changes: AlertRouteSettings) -> AlertRouteSettings {
        AlertRouteSettings(
            name: changes.name ?? name, url: changes.url ?? url, recipients: changes.recipients ?? recipients,
            minSeverity: changes.minSeverity ?? minSeverity, kinds: changes.kinds ?? kinds, environments: changes.environments ?? environments,
            gatherSeconds: changes.gatherSeconds ?? gatherSeconds, enabled: changes.enabled ?? enabled)
    }
}

/// A route's settings as given (all of them to create one, some to change one).
public struct AlertRouteSettings: Sendable {
    public var name: String?
    public var url: String?
    public var recipients: [String]?
    public var minSeverity: Alert.Severity?
    public var kinds: [String]?
    public var environments: [String]?
    public var gatherSeconds: Int?
    public var enabled: Bool?

    public init(
        name: String? = nil, url: String? = nil, recipients: [String]? = nil, minSeverity: Alert.Severity? = nil, kinds: [String]? = nil,
        environments: [String]? = nil, gatherSeconds: Int? = nil, enabled: Bool? = nil
    ) {
        self.name = name
        self.url = url
        self.recipients = recipients
        self.minSeverity = minSeverity
        self.kinds = kinds
        self.environments = environments
        self.gatherSeconds = gatherSeconds
        self.enabled = enabled
    }
}

/// One message on a route: its alerts are fixed when it is made, so every attempt sends the same
/// message under the same id.
public struct AlertNotification: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case sending
        case sent
        case failed
    }

    public let id: UUID
    public let routeId: UUID
    public let status: Status
    public let test: Bool
    public let alertCount: Int
    public let attempts: Int
    public let lastError: String?
    public let createdAt: Date
    public let sentAt: Date?

    public init(
        id: UUID, routeId: UUID, status: Status, test: Bool, alertCount: Int, attempts: Int, lastError: String?, createdAt: Date, sentAt: Date?
    ) {
        self.id = id
        self.routeId = routeId
        self.status = status
        self.test = test
        self.alertCount = alertCount
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}
