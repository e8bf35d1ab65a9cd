public import Foundation

/// The position after the last item of a page: lists are ordered by (created_at, id), so the
/// pair is a stable key even while rows are being added. Opaque to clients (base64url JSON-free text).
public struct PageCursor: Sendable, Equatable {
    public var createdAt: Date
    public var id: UUID

    public init(createdAt: Date, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }

    public static let defaultLimit = 50
    public static let maxLimit = 200

    public func encode() -> String {
        let raw = "\(Timestamp.format(createdAt))|\(id.uuidString.lowercased())"
        return Data(raw.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ token: String) -> PageCursor? {
        guard token.count <= 200 else { return nil }
        var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let raw = String(data: data, encoding: .utf8) else { return nil }
        let parts = raw.split(separator: "|")
        guard parts.count == 2, let date = Timestamp.parse(String(parts[0])), let id = UUID(uuidString: String(parts[1]))
        else { return nil }
        return PageCursor(createdAt: date, id: id)
    }
}

/// One page of a list and where the next one starts.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: PageCursor?

    public init(items: [Item], nextCursor: PageCursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
