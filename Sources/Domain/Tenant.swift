public import Foundation

/// A merchant using Clearline. Deleting one is a soft delete so the audit trail stays whole.
public struct Tenant: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case active
        case suspended
    }

    public var id: UUID
    public var name: String
    public var slug: String
    public var status: Status
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, name: String, slug: String, status: Status, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.slug = slug
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static let nameMaxLength = 200

    /// Lowercase letters, digits and single hyphens, 3 to 63 characters: safe in URLs and DNS labels.
    public static func isValidSlug(_ slug: String) -> Bool {
        let chars = Array(slug.utf8)
        guard (3...63).contains(chars.count), chars.first != UInt8(ascii: "-"), chars.last != UInt8(ascii: "-")
        else { return false }
        var previousHyphen = false
        for c in chars {
            let isHyphen = c == UInt8(ascii: "-")
            let ok = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || isHyphen
            if !ok || (isHyphen && previousHyphen) { return false }
            previousHyphen = isHyphen
        }
        return true
    }

    /// Validates a display name: not blank, no control characters, at most 200 Unicode scalars
    /// (JSON Schema's count, so openapi.yaml's DisplayName says exactly the same).
    public static func validateName(_ name: String, field: String = "name") -> FieldError? {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return FieldError(field: field, message: "must not be empty") }
        if name.unicodeScalars.count > nameMaxLength { return FieldError(field: field, message: "must be at most \(nameMaxLength) characters") }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return FieldError(field: field, message: "must not contain control characters")
        }
        return nil
    }
}
