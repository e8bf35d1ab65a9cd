public import Foundation

/// Alerts that reach people, one open per subject.
public protocol AlertRepository {
    /// Raises the alert unless one for the subject is still unacknowledged; true when raised.
    @discardableResult
    func raise(tenantId: UUID, environment: EnvironmentName, kind: Alert.Kind, subject: String, message: String) throws -> Bool

    /// Newest first, narrowed by `filter`.
    func list(tenantId: UUID, environment: EnvironmentName, _ filter: AlertFilter, after cursor: PageCursor?, limit: Int) throws -> Page<Alert>

    /// Acknowledges it (once: the first acknowledgement's time and person stand).
    func acknowledge(tenantId: UUID, environment: EnvironmentName, id: UUID, by actor: String) throws -> Alert?

    /// Open alerts grouped by cause, the most recent first.
    func incidents(tenantId: UUID, environment: EnvironmentName, limit: Int) throws -> [AlertIncident]

    /// Acknowledges every open alert of the incident; returns how many.
    func acknowledgeIncident(tenantId: UUID, environment: EnvironmentName, key: String, by actor: String) throws -> Int
}

/// Which alerts a list shows: open or acknowledged ones, of one kind, at a severity and above
/// (nil: any).
public struct AlertFilter: Sendable {
    public var open: Bool?
    public var kind: Alert.Kind?
    public var minSeverity: Alert.Severity?

    public init(open: Bool? = nil, kind: Alert.Kind? = nil, minSeverity: Alert.Severity? = nil) {
        self.open = open
        self.kind = kind
        self.minSeverity = minSeverity
    }
}
