import Foundation
import Testing
import Domain

/// The hand-written UUID text against Foundation's, which it replaced on hot paths.
@Suite("UUID text, as Foundation writes and reads it")
struct UUIDTextTests {
    @Test func writesAndReadsAsFoundationDoes() {
        for _ in 0..<2_000 {
            let id = UUID()
            #expect(id.lowercasedText == id.uuidString.lowercased())
            #expect(UUID(text: id.uuidString) == id)
            #expect(UUID(text: id.lowercasedText) == id)
            var out: [UInt8] = [7]
            id.appendLowercasedText(to: &out)
            #expect(out == [7] + Array(id.lowercasedText.utf8))
            #expect(Array(id.uuidString.utf8).withUnsafeBufferPointer { UUID(utf8: $0) } == id)
        }
    }

    @Test(arguments: [
        "", "not-a-uuid", "0123456789abcdef0123456789abcdef", "01234567-89ab-cdef-0123-456789abcdeg", "01234567-89ab-cdef-0123-456789abcdef0",
        "01234567-89ab-cdef-0123-456789abcde", "01234567089ab-cdef-0123-456789abcdef", " 01234567-89ab-cdef-0123-456789abcdef",
        "01234567-89AB-CDEF-0123-456789ABCDEF", "ffffffff-ffff-ffff-ffff-ffffffffffff", "00000000-0000-0000-0000-000000000000",
        "é1234567-89ab-cdef-0123-456789abcdef",
    ])
    func refusesWhatFoundationRefuses(_ text: String) {
        #expect(UUID(text: text) == UUID(uuidString: text), "\(text)")
        #expect(Array(text.utf8).withUnsafeBufferPointer { UUID(utf8: $0) } == UUID(uuidString: text), "\(text)")
    }
}
