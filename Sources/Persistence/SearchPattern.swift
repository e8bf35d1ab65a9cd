/// A person's search text as an ILIKE pattern matching it anywhere: `%`, `_` and `\` in it are
/// taken literally, not as wildcards.
enum SearchPattern {
    static func containing(_ text: String?) -> String? {
        text.map {
            "%" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        }
    }
}
