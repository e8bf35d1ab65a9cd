/// `trimmingCharacters(in: .whitespaces)` in the standard library alone. Foundation's goes
/// through NSString on Linux (a bridged copy, a CharacterSet, a substring): the mapping of a sale
/// trims each amount, date and reference it reads, and those trims showed in the workers'
/// profile of a flows burst. The same set as CoreFoundation's: the space separators, the tab and
/// the zero-width space.
extension String {
    public var trimmingInlineWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isInlineWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isInlineWhitespace })!
        // Nearly always nothing to trim: the string itself, no copy.
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    /// In Foundation's `CharacterSet.whitespaces` (CoreFoundation's `isWhitespace`).
    var isInlineWhitespace: Bool {
        switch value {
        case 0x20, 0x09, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}
