import Foundation
import Domain

/// What a person should read as a connection's state, from what it last did rather than how it
/// was last tested: stopped (its breaker open), failing (its last call failed after its last
/// success), connected (its last call worked, or its agent polled within a minute), agent_offline
/// (an agent seen before but not for a minute), or else its stored status. The dashboard and the
/// connections list both say it this way.
enum ConnectionHealthStatus {
    /// closed, counting (failures seen, still calling) or open (stopped calling).
    static func breaker(_ activity: ConnectionActivity?) -> String {
        activity?.breaker.map { $0.openedAt != nil ? "open" : "counting" } ?? "closed"
    }

    static func state(_ connection: Connection, _ activity: ConnectionActivity?) -> String {
        guard let activity else { return connection.status }
        if activity.breaker?.openedAt != nil { return "stopped" }
        if let failed = activity.lastFailureAt, failed > (activity.lastSuccessAt ?? .distantPast) { return "failing" }
        if connection.kind == .sageProAgent, let seen = activity.agentLastSeenAt {
            return Date().timeIntervalSince(seen) < 60 ? "connected" : "agent_offline"
        }
        if activity.lastSuccessAt != nil { return "connected" }
        return connection.status
    }
}
