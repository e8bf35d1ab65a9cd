import Foundation
import Domain

/// Webhook endpoints with their opened secrets, kept a few seconds so a delivery costs one round
/// trip to PostgreSQL instead of six. A change (disable, enable, rotate) is NOTIFYed and drops the
/// entry in every process; a signature that fails against a cached entry is checked once more
/// against a fresh one, so a rotation is never refused while the notice is in flight.
final class EndpointCache: Sendable {
    struct Entry: Sendable {
        let endpoint: WebhookEndpoint
        let secrets: [String]
        let fetchedAt: ContinuousClock.Instant
    }

    static let lifetime: Duration = .seconds(5)
    static let capacity = 10_000
    private let entries = BlockingLock<[UUID: Entry]>([:])

    func get(_ id: UUID) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[id] else { return nil }
            if ContinuousClock.now - entry.fetchedAt > Self.lifetime {
                entries[id] = nil
                return nil
            }
            return entry
        }
    }

    func put(_ endpoint: WebhookEndpoint, secrets: [String]) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[endpoint.id] = Entry(endpoint: endpoint, secrets: secrets, fetchedAt: .now)
        }
    }

    func invalidate(_ id: UUID) { entries.withLock { $0[id] = nil } }

    func invalidateAll() { entries.withLock { $0.removeAll() } }
}
