/// Why a mapping document was refused or a record could not be mapped: the field (of the output,
/// or of the document while parsing) and the rule that failed, so a person knows where to look.
public struct MappingError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// Output field ("line_items[2].rate") or document location ("fields.total.then[0]").
    public let field: String
    /// The operator or transform at fault ("money", "date", "limits").
    public let rule: String
    public let message: String

    public init(field: String, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(field.isEmpty ? "(document)" : field): \(rule): \(message)" }

    public var fieldError: FieldError { FieldError(field: field, message: "\(rule): \(message)") }
}
