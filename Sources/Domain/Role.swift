/// What a tenant principal may do. Ordered: each role can do everything the one below it can.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case viewer
    case admin
    case owner

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .admin: 1
        case .owner: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    public var canWrite: Bool { self >= .admin }

    /// A principal may hand out its own role or a lower one, never a higher one.
    public func canGrant(_ other: Role) -> Bool { canWrite && other <= self }
}
