import Foundation
import Testing
import Domain

@Suite("Opaque page cursors")
struct PageCursorTests {
    @Test func roundTrips() throws {
        let cursor = PageCursor(createdAt: Timestamp.parse("2026-11-22T05:40:04.123456Z")!, id: UUID())
        let decoded = try #require(PageCursor.decode(cursor.encode()))
        #expect(decoded == cursor)
        #expect(!cursor.encode().contains("="))
    }

    @Test(arguments: ["", "%%%", "bm90LWEtY3Vyc29y", String(repeating: "A", count: 500), "MjAyNi0xMS0yMlQwNTo0MDowNC4xMjM0NTZafG5vdC1hLXV1aWQ"])
    func rejectsForeignText(_ text: String) {
        #expect(PageCursor.decode(text) == nil)
    }
}
