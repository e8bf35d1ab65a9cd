public import Foundation

/// A person who logs in to the admin pages: a platform administrator (no tenant) or a tenant user.
public struct User: Sendable, Equatable {
    public var id: UUID
    public var tenantId: UUID?
    public var email: String
    public var role: Role
    public var createdAt: Date

    public init(id: UUID, tenantId: UUID?, email: String, role: Role, createdAt: Date) {
        self.id = id
        self.tenantId = tenantId
        self.email = email
        self.role = role
        self.createdAt = createdAt
    }

    public var isPlatformAdmin: Bool { tenantId == nil }

    public static let passwordMinLength = 12
    public static let passwordMaxLength = 256

    /// Lower-cased and trimmed, so one mailbox maps to one account.
    public static func normalizeEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A deliberately loose check: one "@", a dot in the domain, no spaces, at most 254 characters.
    public static func isValidEmail(_ email: String) -> Bool {
        guard email.count <= 254, !email.contains(where: { $0.isWhitespace }) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return true
    }

    public static func validatePassword(_ password: String, field: String = "password") -> FieldError? {
        if password.count < passwordMinLength {
            return FieldError(field: field, message: "must be at least \(passwordMinLength) characters")
        }
        if password.count > passwordMaxLength {
            return FieldError(field: field, message: "must be at most \(passwordMaxLength) characters")
        }
        return nil
    }
}
