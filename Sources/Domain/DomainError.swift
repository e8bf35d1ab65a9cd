/// A field that failed validation, with a message a person can act on.
public struct FieldError: Sendable, Equatable, Codable {
    public let field: String
    public let message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Errors the model raises; the HTTP layer maps each to one status in one place.
public enum DomainError: Error, Sendable, Equatable {
    case notFound(String)
    case validation([FieldError])
    case conflict(String)
    case forbidden(String)
}
