import Foundation
import Domain
import HTTPServer

/// A request's JSON object body, read strictly: the media type must be JSON, the body must be
/// one object, and only the named fields are allowed. Field errors are collected so one 422
/// names every problem at once.
struct JSONInput {
    private let fields: [String: Any]
    /// The same body as a `JSONValue`, for fields that hold documents (a flow definition, a sample).
    private let document: [String: JSONValue]
    private(set) var errors: [FieldError] = []

    init(_ request: Request, allowed: Set<String>) throws {
        let contentType = request.mediaType
        guard contentType == "application/json" || contentType?.hasSuffix("+json") == true else {
            throw Problem(status: 415, title: "Unsupported media type", detail: "Send the body as application/json.")
        }
        guard !request.body.isEmpty else { throw Problem.badRequest("The request body is empty; a JSON object is required.") }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(request.body), options: [])
        } catch {
            throw Problem.badRequest("The request body is not valid JSON.")
        }
        guard let object = parsed as? [String: Any] else { throw Problem.badRequest("The request body must be a JSON object.") }
        fields = object
        document = (try? JSONDecoder().decode([String: JSONValue].self, from: Data(request.body))) ?? [:]
        for key in object.keys.sorted() where !allowed.contains(key) {
            errors.append(FieldError(field: key, message: "is not a known field"))
        }
        // openapi.yaml makes no top-level request field nullable: null is refused, not read as
        // "absent", so that {"status": null} cannot pass for a change that changed nothing.
        for key in object.keys.sorted() where allowed.contains(key) && object[key] is NSNull {
            errors.append(FieldError(field: key, message: "must not be null; leave the field out instead"))
        }
    }

    func has(_ key: String) -> Bool { fields[key] != nil }

    /// A field as a JSON document, for a reader of its own; nil when absent.
    func value(_ key: String) -> JSONValue? { document[key] }

    /// A field as JSONSerialization read it (a string, an NSNumber...), for a parser of its own;
    /// nil when absent or null.
    func raw(_ key: String) -> Any? { fields[key].flatMap { $0 is NSNull ? nil : $0 } }

    /// A string field; records an error when it is required and absent, null, or not a string.
    mutating func string(_ key: String, required: Bool, maxLength: Int = 1000) -> String? {
        guard let value = fields[key], !(value is NSNull) else {
            if required { errors.append(FieldError(field: key, message: "is required")) }
            return nil
        }
        guard let text = value as? String else {
            errors.append(FieldError(field: key, message: "must be a string"))
            return nil
        }
        // Unicode scalars, as JSON Schema's maxLength counts them.
        if text.unicodeScalars.count > maxLength {
            errors.append(FieldError(field: key, message: "must be at most \(maxLength) characters"))
            return nil
        }
        return text
    }

    /// An object field whose values are strings, booleans or null (nil entries: null).
    mutating func object(_ key: String, allowBooleans: Bool) -> [String: Any?]? {
        guard let value = fields[key], !(value is NSNull) else { return nil }
        guard let object = value as? [String: Any] else {
            errors.append(FieldError(field: key, message: "must be an object"))
            return nil
        }
        var result: [String: Any?] = [:]
        for (name, entry) in object {
            switch entry {
            case is NSNull: result[name] = .some(nil)
            case let text as String: result[name] = text
            case let number as NSNumber where allowBooleans && Self.isBoolean(number): result[name] = number.boolValue
            default:
                errors.append(
                    FieldError(field: "\(key).\(name)", message: allowBooleans ? "must be a string, true, false or null" : "must be a string or null"))
            }
        }
        return result
    }

    /// JSONSerialization gives `true`/`false` as NSNumber of type `c`; `1` and `0` are type `i`
    /// (and, bridged, would pass `is Bool`), so the type code is what tells them apart.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// A string field that must be one of an enumeration's raw values.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, required: Bool, as: T.Type) -> T? where T.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        guard let value = T(rawValue: text) else {
            errors.append(FieldError(field: key, message: "must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        return value
    }

    /// A field that holds any JSON document; nil when absent or null.
    func document(_ key: String) -> JSONValue? {
        guard let value = document[key], value != .null else { return nil }
        return value
    }

    /// A whole number in `range`.
    mutating func integer(_ key: String, required: Bool, range: ClosedRange<Int>) -> Int? {
        guard let value = document[key], value != .null else {
            if required { errors.append(FieldError(field: key, message: "is required")) }
            return nil
        }
        guard case .number(let number) = value, let whole = Int(exactly: number), range.contains(whole) else {
            errors.append(FieldError(field: key, message: "must be an integer from \(range.lowerBound) to \(range.upperBound)"))
            return nil
        }
        return whole
    }

    mutating func boolean(_ key: String, required: Bool) -> Bool? {
        guard let value = document[key], value != .null else {
            if required { errors.append(FieldError(field: key, message: "is required")) }
            return nil
        }
        guard case .bool(let flag) = value else {
            errors.append(FieldError(field: key, message: "must be true or false"))
            return nil
        }
        return flag
    }

    mutating func add(_ error: FieldError?) {
        if let error { errors.append(error) }
    }

    /// Throws the collected field errors as one 422.
    func validate() throws {
        if !errors.isEmpty { throw Problem.validation(errors) }
    }
}
