import Foundation
import Testing
@testable import Domain

/// Thousands of random and malformed mapping documents and inputs: each is refused with a
/// MappingError or evaluated within the limits. A crash or a hang fails the run.
@Suite("Mapping language under fuzzing")
struct MappingFuzzTests {
    static let keys = [
        "path", "const", "template", "concat", "coalesce", "object", "list", "each", "fields", "map", "where", "add", "subtract",
        "multiply", "divide", "scale", "sum", "value", "count", "lookup", "key", "rules", "if", "then", "else", "decide", "inputs",
        "rows", "when", "gl_account", "allocate", "ratios", "currency", "default", "fn", "eq", "gt", "in", "exists", "and", "or",
        "not", "a", "b", "items", "separator", "from", "to", "zone", "rates", "table", "values", "length", "part", "kind",
    ]
    static let strings = [
        "a", "b.c", "items", "items[0]", "$.a", "$steps.s.id", "{a} {b.c}", "money", "date", "USD", "paytrace", "zoho_date",
        "trim", "status", "-", "", "[", "a..b", "$x", "0.1", "1e9", "SALE", "America/Chicago", "zoho_books.contact", "{{", "}",
    ]

    static func value(_ random: inout SeededRandom, depth: Int) -> JSONValue {
        switch Int.random(in: 0...(depth > 5 ? 3 : 9), using: &random) {
        case 0: return .null
        case 1: return .number([0, 1, -1, 2.5, 1e300, -0.0005, 100].randomElement(using: &random)!)
        case 2, 3: return .string(strings.randomElement(using: &random)!)
        case 4: return .bool(Bool.random(using: &random))
        case 5, 6: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(&random, depth: depth + 1) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 1...3, using: &random) { object[keys.randomElement(using: &random)!] = value(&random, depth: depth + 1) }
            return .object(object)
        }
    }

    @Test func randomDocumentsAreRefusedOrEvaluatedWithinLimits() {
        var random = SeededRandom(seed: 42)
        var parsed = 0
        var limits = MappingLimits()
        limits.timeLimit = .milliseconds(200)
        for _ in 0..<6000 {
            var fields: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 1...4, using: &random) { fields["f\(index)"] = Self.value(&random, depth: 0) }
            let document: JSONValue = Bool.random(using: &random) ? .object(["fields": .object(fields)]) : Self.value(&random, depth: 0)
            guard let mapping = try? MappingDocument(document) else { continue }
            parsed += 1
            for _ in 0..<3 {
                let input = Self.value(&random, depth: 0)
                _ = try? mapping.evaluate(MappingInputs(record: input, steps: ["s": input]), limits: limits)
            }
        }
        // The generator must reach the evaluator, not only the parser.
        #expect(parsed > 300, "only \(parsed) documents parsed")
    }

    @Test func randomFlowDefinitionsNeverCrashTheReader() {
        var random = SeededRandom(seed: 7)
        for _ in 0..<2000 {
            let steps: JSONValue = .array(
                (0..<Int.random(in: 0...3, using: &random)).map { index in
                    .object([
                        "id": .string("s\(index)"), "target": .string(TargetSchemas.all.randomElement(using: &random)!.name),
                        "mapping": .object(["fields": Self.value(&random, depth: 1)]), "when": Self.value(&random, depth: 3),
                    ])
                })
            let definition: JSONValue = .object([
                "trigger": .object(["source": .string("paytrace")]), "steps": steps,
                "fixtures": .array([.object(["input": Self.value(&random, depth: 2), "expected": .object([:])])]),
            ])
            if let flow = try? FlowDefinition(definition) { _ = flow.runFixtures() }
        }
    }
}
