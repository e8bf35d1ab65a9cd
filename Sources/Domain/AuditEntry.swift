public import Foundation

/// One line of the append-only audit log. `hash` chains it to the line before it in the same
/// chain (a tenant's, or the platform's), so an edited or removed line breaks the chain.
public struct AuditEntry: Sendable, Equatable {
    public var tenantId: UUID?
    public var sequence: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var targetType: String
    public var targetId: String
    public var requestId: String
    public var details: String
    public var previousHash: String
    public var hash: String

    public init(
        tenantId: UUID?, sequence: Int64, at: Date, actor: String, action: String, targetType: String,
        targetId: String, requestId: String, details: String, previousHash: String, hash: String
    ) {
        self.tenantId = tenantId
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.targetId = targetId
        self.requestId = requestId
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash of an empty chain's predecessor.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The exact text that is hashed: every field, each length-prefixed so no two entries collide.
    public var canonicalText: String {
        let fields = [
            String(sequence), tenantId?.uuidString.lowercased() ?? "platform", Timestamp.format(at),
            actor, action, targetType, targetId, requestId, details, previousHash,
        ]
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }
}

/// The outcome of checking one audit chain from its first line to its last.
public struct AuditChainVerdict: Sendable, Equatable, Codable {
    public var valid: Bool
    public var entriesChecked: Int
    public var firstBrokenSequence: Int64?
    public var reason: String?

    public init(valid: Bool, entriesChecked: Int, firstBrokenSequence: Int64?, reason: String?) {
        self.valid = valid
        self.entriesChecked = entriesChecked
        self.firstBrokenSequence = firstBrokenSequence
        self.reason = reason
    }

    /// Walks `entries` (ordered by sequence) and reports the first line whose sequence,
    /// predecessor or own hash does not match; `hashOf` is SHA-256 hex over the canonical text.
    public static func check(_ entries: [AuditEntry], hashOf: (String) -> String) -> AuditChainVerdict {
        var previous = AuditEntry.genesisHash
        var expectedSequence: Int64 = 1
        for (index, entry) in entries.enumerated() {
            if entry.sequence != expectedSequence {
                return .init(
                    valid: false, entriesChecked: index, firstBrokenSequence: entry.sequence,
                    reason: "sequence \(expectedSequence) is missing")
            }
            if entry.previousHash != previous {
                return .init(
                    valid: false, entriesChecked: index, firstBrokenSequence: entry.sequence,
                    reason: "previous hash does not match the line before")
            }
            if hashOf(entry.canonicalText) != entry.hash {
                return .init(
                    valid: false, entriesChecked: index, firstBrokenSequence: entry.sequence,
                    reason: "line content does not match its hash")
            }
            previous = entry.hash
            expectedSequence += 1
        }
        return .init(valid: true, entriesChecked: entries.count, firstBrokenSequence: nil, reason: nil)
    }
}
