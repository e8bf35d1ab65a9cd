/// A request's headers as they came, names lower-cased, found by walking them.
///
/// A request carries a handful of headers and a handler asks for two or three of them, so a walk
/// that compares lengths first beats hashing: building a dictionary of them (an allocation and a
/// hash of every name, then a hash of every name asked for) was 2,700 instructions of each
/// request, `GET /healthz`'s included (callgrind). The first of a repeated name wins, as it did
/// in the dictionary.
public struct HeaderFields: Sendable {
    /// A struct, not a tuple: an array of tuples is destroyed element by element through the
    /// tuple's run-time metadata (350 instructions for a request's few headers).
    struct Field: Sendable {
        /// Lower-cased.
        let name: String
        let value: String
    }

    private let fields: [Field]

    /// `fields`' names must be lower-cased already.
    init(lowercased fields: [Field]) {
        self.fields = fields
    }

    /// From a map whose names may have capitals (tests and in-process callers).
    public init(_ headers: [String: String]) {
        fields = headers.map { Field(name: $0.key.lowercased(), value: $0.value) }
    }

    /// The value of the first header with this name, in any case. Compared byte by byte with
    /// ASCII letters folded, in place: looking for a capital first, and lower-casing a name
    /// that had one, was 275 instructions of each request's `X-Request-Id` look-up.
    func value(named name: String) -> String? {
        let count = name.utf8.count
        for field in fields where field.name.utf8.count == count && Self.same(lowercased: field.name, name) { return field.value }
        return nil
    }

    private static func same(lowercased kept: String, _ name: String) -> Bool {
        let folded = kept.utf8.withContiguousStorageIfAvailable { kept in
            name.utf8.withContiguousStorageIfAvailable { name in
                zip(kept, name).allSatisfy { keptByte, byte in keptByte == (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) }
            }
        }
        // Strings not stored as UTF-8 (bridged ones) take the long way.
        return (folded ?? nil) ?? (kept == name.lowercased())
    }

    /// Every name once, with its first value.
    var dictionary: [String: String] {
        var map = [String: String](minimumCapacity: fields.count)
        for field in fields where map[field.name] == nil { map[field.name] = field.value }
        return map
    }
}
