import Foundation
import Testing
import Domain

/// The mapping's own trim matches Foundation's `trimmingCharacters(in: .whitespaces)`, which it
/// replaces on the workers' hot path.
@Suite("Trimming spaces and tabs as Foundation does")
struct InlineWhitespaceTests {
    @Test func theSameAsFoundationsWhitespaces() {
        let samples = [
            "", " ", "\t\t", "49.99", "  49.99 ", "\t11/22/2026 9:00:00 AM\t", "Invoice # 77", "\u{00A0}INV-7\u{2003}", "\u{3000}x\u{3000}",
            "a b", " \n 7 \n ", "\r\n", "\u{200B}zero-width\u{200B}", "é ", " ☃ ", "\u{1680}ogham\u{202F}",
        ]
        for sample in samples {
            #expect(sample.trimmingInlineWhitespace == sample.trimmingCharacters(in: .whitespaces), "\(Array(sample.unicodeScalars))")
        }
    }
}
