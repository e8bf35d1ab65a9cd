import Foundation

/// A built-in flow a tenant starts from: a complete definition with its fixtures.
public struct FlowTemplate: Sendable {
    public let id: String
    public let name: String
    public let description: String
    public let definition: JSONValue

    init(id: String, name: String, description: String, json: String) {
        self.id = id
        self.name = name
        self.description = description
        // Built in and covered by the golden tests: a template that does not parse is a bug here.
        self.definition = JSONValue(parsing: json)!
    }

    public static func named(_ id: String) -> FlowTemplate? { FlowTemplates.all.first { $0.id == id } }
}
