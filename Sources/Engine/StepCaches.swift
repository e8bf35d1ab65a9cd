import Foundation
import Domain

/// What every step of a flow (and every event's dispatch) would otherwise read and work out
/// again: its flow version's parsed definition (versions never change once published), its
/// event's parsed payload (stored once, masked, never changed), and its connections' opened
/// secrets (kept for a minute, and only while the connection's secrets are the ones the step
/// just loaded: each secret's last change is part of the key, so a rotation is used at once).
enum StepCaches {
    private struct DefinitionKey: Hashable {
        let flowId: UUID
        let version: Int
    }

    private struct SealedSecrets {
        let changes: [String: Date]
        let secrets: [String: String]
        let openedAt: ContinuousClock.Instant
    }

    struct ParsedEvent: Sendable {
        let record: JSONValue
        let receivedAt: Date
    }

    /// What a run is of: its flow version and its event, which never change.
    struct RunIdentity: Sendable {
        let flowId: UUID
        let version: Int
        let eventId: UUID
    }

    private static let runs = BlockingLock<[UUID: RunIdentity]>([:])
    private static let definitions = BlockingLock<[DefinitionKey: FlowDefinition]>([:])
    private static let events = BlockingLock<[UUID: ParsedEvent]>([:])
    private static let secrets = BlockingLock<[UUID: SealedSecrets]>([:])
    private static let capacity = 2_000

    static func definition(flowId: UUID, version: Int, parse: () throws -> FlowDefinition) rethrows -> FlowDefinition {
        try kept(in: definitions, DefinitionKey(flowId: flowId, version: version), load: parse)
    }

    static func cachedDefinition(flowId: UUID, version: Int) -> FlowDefinition? {
        definitions.withLock { $0[DefinitionKey(flowId: flowId, version: version)] }
    }

    static func cachedEvent(_ id: UUID) -> ParsedEvent? { events.withLock { $0[id] } }

    static func cachedRun(_ id: UUID) -> RunIdentity? { runs.withLock { $0[id] } }

    /// Notes what run `id` is of, for its next steps here (`StepLedgerGuess`).
    static func remember(run id: UUID, _ identity: RunIdentity) {
        runs.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = identity
        }
    }

    /// An event's parsed payload; `load` reads and parses it when this process has not yet.
    static func event(_ id: UUID, load: () throws -> ParsedEvent) rethrows -> ParsedEvent {
        try kept(in: events, id, load: load)
    }

    /// What `cache` holds for `key`, else what `load` gives, kept. Past the capacity the cache
    /// starts over: a burst's flows and events stay while their steps run.
    private static func kept<Key: Hashable, Value>(in cache: BlockingLock<[Key: Value]>, _ key: Key, load: () throws -> Value) rethrows -> Value {
        if let known = cache.withLock({ $0[key] }) { return known }
        let loaded = try load()
        cache.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = loaded
        }
        return loaded
    }

    static func secrets(of connection: Connection, open: () throws -> [String: String]) rethrows -> [String: String] {
        let changes = connection.secrets.mapValues(\.updatedAt)
        let cached = secrets.withLock { cache -> [String: String]? in
            guard let entry = cache[connection.id], entry.changes == changes, ContinuousClock.now - entry.openedAt < .seconds(60) else { return nil }
            return entry.secrets
        }
        if let cached { return cached }
        let opened = try open()
        secrets.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[connection.id] = SealedSecrets(changes: changes, secrets: opened, openedAt: .now)
        }
        return opened
    }
}
