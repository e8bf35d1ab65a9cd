import Foundation
import Persistence
import Domain

/// Who is making a request, after authentication.
struct Principal: Sendable {
    enum Kind: Sendable, Equatable {
        case platformAdmin
        case tenant(UUID, Role)
    }

    let kind: Kind
    /// A stable label for the audit log and idempotency records, e.g. `api_key:<id>`.
    let label: String
    /// Set when the request came with a session cookie: writes must carry its CSRF token.
    let session: SessionInfo?

    struct SessionInfo: Sendable {
        let token: String
        let user: User
    }

    init(credential: Credential, session: SessionInfo?) throws {
        switch credential.holder {
        case .platformAdmin:
            kind = .platformAdmin
        case .tenant(let id, let role, let status):
            guard status == .active else { throw Problem.forbidden("This tenant is suspended; contact your Clearline administrator.") }
            kind = .tenant(id, role)
        }
        label = credential.label
        self.session = session
    }

    var isPlatformAdmin: Bool { kind == .platformAdmin }

    /// The role this principal holds within `tenantId`, or nil when it may not see that tenant at all.
    func role(in tenantId: UUID) -> Role? {
        switch kind {
        case .platformAdmin: .owner
        case .tenant(let own, let role): own == tenantId ? role : nil
        }
    }

    var tenantId: UUID? {
        if case .tenant(let id, _) = kind { return id }
        return nil
    }
}
