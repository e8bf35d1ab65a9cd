public import Foundation
public import Domain

/// Who a presented API key or session belongs to, as read from the database.
public struct Credential: Sendable, Equatable {
    public enum Holder: Sendable, Equatable {
        case platformAdmin
        case tenant(UUID, Role, Tenant.Status)
    }

    public var id: UUID
    public var label: String
    public var holder: Holder

    public init(id: UUID, label: String, holder: Holder) {
        self.id = id
        self.label = label
        self.holder = holder
    }

    static func holder(tenantId: UUID?, role: String, tenantStatus: String?) throws -> Holder {
        if role == "platform" { return .platformAdmin }
        guard let tenantId, let parsed = Role(rawValue: role), let status = tenantStatus.flatMap(Tenant.Status.init(rawValue:)) else {
            throw PostgresError(kind: .decoding, message: "credential row has no tenant or role")
        }
        return .tenant(tenantId, parsed, status)
    }
}
