public import Foundation

/// Alerts that reach people, one open per subject.
public protocol AlertRepository {
    /// Raises the alert unless one for the subject is still unacknowledged; true when raised.
    @discardableResult
    func raise(tenantId: UUID, environment: EnvironmentName, kind: String, subject: String, message: String) throws -> Bool

    func list(tenantId: UUID, environment: EnvironmentName, open: Bool?, after cursor: PageCursor?, limit: Int) throws -> Page<
        Alert
    >

    /// Acknowledges it (once: the first acknowledgement's time and person stand).
    func acknowledge(tenantId: UUID, environment: EnvironmentName, id: UUID, by actor: String) throws -> Alert?
}
