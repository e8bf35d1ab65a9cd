/// Field-level differences between two JSON documents: each changed leaf by its path. Arrays of
/// objects with an "id" (a flow's steps) are matched by id, so inserting a step shows as one
/// added step, not every later step changed.
public enum JSONDiff {
    public struct Change: Sendable, Equatable, Codable {
        public let path: String
        public let before: JSONValue?
        public let after: JSONValue?

        public var kind: String { before == nil ? "added" : (after == nil ? "removed" : "changed") }

        enum CodingKeys: String, CodingKey { case path, before, after, kind }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(kind, forKey: .kind)
            try container.encodeIfPresent(before, forKey: .before)
            try container.encodeIfPresent(after, forKey: .after)
        }

        public init(path: String, before: JSONValue?, after: JSONValue?) {
            self.path = path
            self.before = before
            self.after = after
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            path = try container.decode(String.self, forKey: .path)
            before = try container.decodeIfPresent(JSONValue.self, forKey: .before)
            after = try container.decodeIfPresent(JSONValue.self, forKey: .after)
        }
    }

    public static func changes(from before: JSONValue, to after: JSONValue) -> [Change] {
        var changes: [Change] = []
        walk(before, after, path: "", into: &changes)
        return changes
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private static func walk(_ before: JSONValue?, _ after: JSONValue?, path: String, into changes: inout [Change]) {
        switch (before, after) {
        case (.object(let a)?, .object(let b)?):
            for key in Set(a.keys).union(b.keys).sorted() { walk(a[key], b[key], path: join(path, key), into: &changes) }
        case (.array(let a)?, .array(let b)?):
            if let left = keyed(a), let right = keyed(b) {
                var order = a.compactMap { $0["id"]?.string }
                order += b.compactMap { $0["id"]?.string }.filter { left[$0] == nil }
                for id in order { walk(left[id], right[id], path: "\(path)[\(id)]", into: &changes) }
            } else {
                for index in 0..<max(a.count, b.count) {
                    walk(index < a.count ? a[index] : nil, index < b.count ? b[index] : nil, path: "\(path)[\(index)]", into: &changes)
                }
            }
        default:
            if before != after { changes.append(Change(path: path, before: before, after: after)) }
        }
    }

    /// Elements by their "id" when every element is an object with a distinct text id.
    private static func keyed(_ items: [JSONValue]) -> [String: JSONValue]? {
        var result: [String: JSONValue] = [:]
        for item in items {
            guard let id = item["id"]?.string, result[id] == nil else { return nil }
            result[id] = item
        }
        return result.isEmpty ? nil : result
    }
}
