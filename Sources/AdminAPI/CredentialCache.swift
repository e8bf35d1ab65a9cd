import Foundation
import Domain
import Persistence

/// API keys found by their prefix, kept a few seconds so an authenticated request does not pay
/// a round trip to PostgreSQL for its bearer token. Only what the look-up returns is kept (the
/// secret's hash, never the token); each request's token is still checked against it.
///
/// A revocation, a deletion or a tenant's change of status is announced on
/// `APIKeyStore.channel` at commit and drops the entry in every process; this process also drops
/// it as soon as its own route commits the change, so its next request already sees it. A
/// look-up that was in flight while an entry was dropped is not kept (the generation moved on),
/// so it cannot put back what a revocation took out.
final class CredentialCache: Sendable {
    struct Entry: Sendable {
        let record: APIKeyStore.KeyRecord
        let fetchedAt: ContinuousClock.Instant
    }

    static let capacity = 10_000
    /// 30 s by default: within the minute at which the look-up stamps a key's last use.
    let lifetime: Duration
    /// A plain mutex around a dictionary look-up: the section is one hash look-up, and glibc's
    /// reader-writer lock, which prefers readers, could keep the thread filling in a new key
    /// waiting behind a steady stream of them.
    private let state = BlockingLock<(entries: [String: Entry], generation: UInt64)>(([:], 0))

    init(lifetime: Duration) { self.lifetime = lifetime }

    /// The key with this prefix, from the cache or else from `fetch`.
    func record(prefix: String, fetch: (String) throws -> APIKeyStore.KeyRecord?) rethrows -> APIKeyStore.KeyRecord? {
        let now = ContinuousClock.now
        let (cached, seen) = state.withLock { ($0.entries[prefix], $0.generation) }
        if let cached, now - cached.fetchedAt <= lifetime { return cached.record }
        guard let record = try fetch(prefix) else { return nil }
        write { entries, generation in
            guard generation == seen else { return }
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[prefix] = Entry(record: record, fetchedAt: .now)
        }
        return record
    }

    private func write(_ body: (inout [String: Entry], inout UInt64) -> Void) {
        state.withLock { body(&$0.entries, &$0.generation) }
    }

    /// Handles a notice on `APIKeyStore.channel`: `key:<prefix>` or `tenant:<id>`.
    func invalidate(notice: String) {
        if notice.hasPrefix("key:") {
            invalidate(prefix: String(notice.dropFirst(4)))
        } else if notice.hasPrefix("tenant:"), let id = UUID(text: String(notice.dropFirst(7))) {
            invalidate(tenant: id)
            // Perhaps deleted: its next transaction checks before its body runs.
            LiveTenants.forget(id)
        } else {
            invalidateAll()
        }
    }

    func invalidate(prefix: String) {
        write { entries, generation in
            generation &+= 1
            entries[prefix] = nil
        }
    }

    func invalidate(key id: UUID) {
        write { entries, generation in
            generation &+= 1
            entries = entries.filter { $0.value.record.id != id }
        }
    }

    func invalidate(tenant id: UUID) {
        write { entries, generation in
            generation &+= 1
            entries = entries.filter { $0.value.record.tenantId != id }
        }
    }

    func invalidateAll() {
        write { entries, generation in
            generation &+= 1
            entries.removeAll()
        }
    }
}
