import Foundation
import Testing
import Domain

@Suite("Audit hash chain")
struct AuditChainTests {
    /// A stand-in hash that is injective enough for the checker's logic; the real one is SHA-256.
    static func fakeHash(_ text: String) -> String { String(text.hashValue, radix: 16) + String(text.utf8.count) }

    static func chain(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var previous = AuditEntry.genesisHash
        for i in 1...count {
            var entry = AuditEntry(
                tenantId: nil, sequence: Int64(i), at: Date(timeIntervalSince1970: Double(i)), actor: "a", action: "x",
                targetType: "t", targetId: "\(i)", requestId: "r", details: "{}", previousHash: previous, hash: "")
            entry.hash = fakeHash(entry.canonicalText)
            previous = entry.hash
            entries.append(entry)
        }
        return entries
    }

    @Test func anIntactChainIsValid() {
        let verdict = AuditChainVerdict.check(Self.chain(5), hashOf: Self.fakeHash)
        #expect(verdict.valid && verdict.entriesChecked == 5)
    }

    @Test func anEditIsFound() {
        var entries = Self.chain(5)
        entries[2].actor = "someone else"
        let verdict = AuditChainVerdict.check(entries, hashOf: Self.fakeHash)
        #expect(!verdict.valid && verdict.firstBrokenSequence == 3)
    }

    @Test func aRemovalIsFound() {
        var entries = Self.chain(5)
        entries.remove(at: 1)
        let verdict = AuditChainVerdict.check(entries, hashOf: Self.fakeHash)
        #expect(!verdict.valid && verdict.firstBrokenSequence == 3)
    }

    @Test func fieldBoundariesCannotBeShifted() {
        var a = Self.chain(1)[0]
        var b = a
        a.actor = "ab"; a.action = "c"
        b.actor = "a"; b.action = "bc"
        #expect(a.canonicalText != b.canonicalText)
    }
}
