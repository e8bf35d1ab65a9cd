/// The shape of a record Clearline writes to a target system: fields, types, lengths and which
/// are required, so a mapping's output is checked before it is sent, and a record the target
/// would reject is held with the reason instead.
public struct TargetSchema: Sendable, Equatable, Codable {
    public let name: String
    public let system: String
    public let title: String
    /// `create`, or `upsert` when the target finds an existing record by `key`.
    public let operation: String
    /// The business key searched before a create, so a retry never writes twice.
    public let key: String?
    public let fields: [TargetField]

    /// The record with numbers and booleans in text fields written as text, as the target
    /// expects them (a PayTrace transaction id is a number, Zoho's reference_number is text).
    /// Sage Pro's agent reads every amount and quantity as text, as Pro's own files hold them.
    public func coerce(_ record: JSONValue) -> JSONValue { TargetField.coerce(fields, record, decimalsAsText: system == "sage_pro") }

    /// Every problem with `record`, each naming its field ("line_items[1].rate").
    public func validate(_ record: JSONValue) -> [FieldError] {
        guard case .object = record else { return [FieldError(field: "", message: "the output must be an object")] }
        return TargetField.check(fields, record, at: "")
    }
}

public struct TargetField: Sendable, Equatable, Codable {
    public enum FieldType: String, Sendable, Codable, CaseIterable {
        case text, decimal, integer, date, datetime, boolean, email, object, array
    }

    public let name: String
    public let type: FieldType
    public let required: Bool
    public let maxLength: Int?
    /// For objects, and for arrays of objects.
    public let fields: [TargetField]?
    /// Other names vendors and merchants use for this field, for mapping suggestions.
    public let synonyms: [String]

    enum CodingKeys: String, CodingKey {
        case name, type, required, maxLength = "max_length", fields, synonyms
    }

    static func coerce(_ fields: [TargetField], _ record: JSONValue, decimalsAsText: Bool) -> JSONValue {
        guard case .object(var values) = record else { return record }
        for field in fields {
            guard let value = values[field.name] else { continue }
            switch (field.type, value) {
            case (.text, .number), (.text, .bool), (.email, .number): values[field.name] = MappingValues.text(value).map(JSONValue.string) ?? value
            case (.decimal, .number) where decimalsAsText, (.integer, .number) where decimalsAsText:
                values[field.name] = MappingValues.decimal(value).map { .string(MappingValues.string($0)) } ?? value
            case (.object, .object): values[field.name] = coerce(field.fields ?? [], value, decimalsAsText: decimalsAsText)
            case (.array, .array(let items)): values[field.name] = .array(items.map { coerce(field.fields ?? [], $0, decimalsAsText: decimalsAsText) })
            default: break
            }
        }
        return .object(values)
    }

    static func check(_ fields: [TargetField], _ record: JSONValue, at: String) -> [FieldError] {
        guard case .object(let values) = record else { return [] }
        var errors: [FieldError] = []
        let known = Set(fields.map(\.name))
        for key in values.keys.sorted() where !known.contains(key) {
            errors.append(FieldError(field: at + key, message: "is not a field of this record"))
        }
        for field in fields { errors += field.check(values[field.name], at: at + field.name) }
        return errors
    }

    func check(_ value: JSONValue?, at: String) -> [FieldError] {
        guard let value, !MappingValues.isMissing(value) else {
            return required ? [FieldError(field: at, message: "is required")] : []
        }
        func wrong(_ expected: String) -> [FieldError] { [FieldError(field: at, message: "must be \(expected), got \(MappingTransform.kind(value))")] }
        switch type {
        case .text, .email:
            guard let text = MappingValues.text(value) else { return wrong("text") }
            if let maxLength, text.count > maxLength { return [FieldError(field: at, message: "is \(text.count) characters; at most \(maxLength)")] }
            if type == .email, !Self.looksLikeEmail(text) { return [FieldError(field: at, message: "is not an e-mail address")] }
        case .decimal:
            guard MappingValues.decimal(value) != nil else { return wrong("a decimal amount") }
        case .integer:
            guard let number = MappingValues.decimal(value), number == MappingValues.rounded(number, scale: 0, .down) else { return wrong("an integer") }
        case .date:
            guard let text = value.string, DateConversion.parse(text, .zohoDate, zone: DateConversion.utc) != nil else { return wrong("a date (yyyy-MM-dd)") }
        case .datetime:
            guard let text = value.string,
                DateConversion.parse(text, .zohoDateTime, zone: DateConversion.utc) != nil
                    || DateConversion.parse(text, .iso8601, zone: DateConversion.utc) != nil
            else { return wrong("a date and time (yyyy-MM-dd HH:mm:ss)") }
        case .boolean:
            guard case .bool = value else { return wrong("true or false") }
        case .object:
            guard case .object = value else { return wrong("an object") }
            return Self.check(fields ?? [], value, at: at + ".")
        case .array:
            guard case .array(let items) = value else { return wrong("an array") }
            if required && items.isEmpty { return [FieldError(field: at, message: "needs at least one element")] }
            guard let fields else { return [] }
            return items.enumerated().flatMap { index, item -> [FieldError] in
                guard case .object = item else { return [FieldError(field: "\(at)[\(index)]", message: "must be an object")] }
                return Self.check(fields, item, at: "\(at)[\(index)].")
            }
        }
        return []
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(where: \.isWhitespace)
    }
}
