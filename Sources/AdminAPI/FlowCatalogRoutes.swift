import Foundation
import Domain
import HTTPServer

/// What every tenant shares: the built-in flow templates, the target record schemas, the
/// transforms, and mapping suggestions for a sample record and a target.
enum FlowCatalogRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint("GET", "/v1/flow-templates", access: .authenticated) { context in
            context.json(ListBody(items: FlowTemplates.all.map(TemplateBody.init), nextCursor: nil))
        },
        Endpoint("GET", "/v1/flow-templates/{templateId}", access: .authenticated) { context in
            guard let template = FlowTemplate.named(context.request.pathParameters["templateId"] ?? "") else { throw Problem.notFound("No such template.") }
            var body = TemplateBody(template)
            body.definition = template.definition
            return context.json(body)
        },
        Endpoint("GET", "/v1/target-schemas", access: .authenticated) { context in
            context.json(ListBody(items: TargetSchemas.all, nextCursor: nil))
        },
        Endpoint("POST", "/v1/mapping-suggestions", access: .authenticated) { context in
            var input = try JSONInput(context.request, allowed: ["sample", "target"])
            let target = input.string("target", required: true, maxLength: 100)
            let sample = input.document("sample")
            if sample == nil { input.add(FieldError(field: "sample", message: "is required: a source record to take field names and types from")) }
            if let sample, case .object = sample {
            } else if sample != nil {
                input.add(FieldError(field: "sample", message: "must be an object (a source record)"))
            }
            let schema = target.flatMap(TargetSchemas.named)
            if target != nil, schema == nil {
                input.add(FieldError(field: "target", message: "must be one of: \(TargetSchemas.all.map(\.name).joined(separator: ", "))"))
            }
            try input.validate()
            let sources = MappingSuggestions.fields(of: sample!)
            return context.json(ListBody(items: MappingSuggestions.suggest(sources, for: schema!), nextCursor: nil))
        },
    ]
}

struct TemplateBody: Encodable {
    let id: String
    let name: String
    let description: String
    var definition: JSONValue?

    init(_ template: FlowTemplate) {
        id = template.id
        name = template.name
        description = template.description
    }
}
