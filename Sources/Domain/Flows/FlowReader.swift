/// Reads a flow definition's JSON, collecting every problem rather than stopping at the first.
struct FlowReader {
    var errors: [FieldError] = []

    mutating func error(_ field: String, _ message: String) {
        errors.append(FieldError(field: field, message: message))
    }

    mutating func definition(_ source: JSONValue) -> (FlowDefinition.Trigger, [FlowDefinition.Step], FlowDefinition.ErrorPolicy, [FlowDefinition.Fixture])? {
        guard case .object(let top) = source else {
            error("definition", "must be an object with trigger, steps, error_policy and fixtures")
            return nil
        }
        for key in top.keys where !["trigger", "steps", "error_policy", "fixtures", "description"].contains(key) {
            error(key, "is not part of a flow definition")
        }
        let trigger = self.trigger(top["trigger"])
        let steps = self.steps(top["steps"])
        let policy = self.policy(top["error_policy"])
        let fixtures = self.fixtures(top["fixtures"], stepIds: Set(steps.map(\.id)))
        guard errors.isEmpty, let trigger else { return nil }
        return (trigger, steps, policy, fixtures)
    }

    mutating func condition(_ value: JSONValue?, at: String) -> MappingCondition? {
        guard let value else { return nil }
        do {
            return try MappingParser.condition(value, at: at, depth: 1)
        } catch {
            errors.append(error.fieldError)
            return nil
        }
    }

    mutating func trigger(_ value: JSONValue?) -> FlowDefinition.Trigger? {
        guard case .object(let trigger)? = value else {
            error("trigger", "is required: {\"source\": ..., \"event_types\": [...]}")
            return nil
        }
        for key in trigger.keys where !["source", "event_types", "condition"].contains(key) { error("trigger.\(key)", "is not part of a trigger") }
        guard let source = trigger["source"]?.string, (1...64).contains(source.count) else {
            error("trigger.source", "is required: the event source (such as paytrace or shop)")
            return nil
        }
        var types: [String] = []
        if let raw = trigger["event_types"] {
            let texts = raw.array?.compactMap(\.string) ?? []
            if texts.count != raw.array?.count || texts.count > 50 || texts.contains(where: { $0.isEmpty || $0.count > 200 }) {
                error("trigger.event_types", "must be an array of up to 50 event types")
            }
            types = texts
        }
        return .init(source: source, eventTypes: types, condition: condition(trigger["condition"], at: "trigger.condition"))
    }

    mutating func steps(_ value: JSONValue?) -> [FlowDefinition.Step] {
        guard let items = value?.array, (1...FlowDefinition.maxSteps).contains(items.count) else {
            error("steps", "must be an array of 1 to \(FlowDefinition.maxSteps) steps")
            return []
        }
        var steps: [FlowDefinition.Step] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let at = "steps[\(index)]"
            guard case .object(let step) = item else { error(at, "must be an object"); continue }
            for key in step.keys where !["id", "name", "target", "when", "key", "mapping"].contains(key) { error("\(at).\(key)", "is not part of a step") }
            guard let id = step["id"]?.string, Self.isIdentifier(id) else {
                error("\(at).id", "is required: letters, digits and _ (1 to 40), starting with a letter")
                continue
            }
            guard seen.insert(id).inserted else { error("\(at).id", "\"\(id)\" is used by an earlier step"); continue }
            guard let name = step["target"]?.string, let target = TargetSchemas.named(name) else {
                error("\(at).target", "must be one of \(TargetSchemas.all.map(\.name).joined(separator: ", "))")
                continue
            }
            let when = condition(step["when"], at: "\(at).when")
            var key: MappingNode?
            if let raw = step["key"] {
                do { key = try MappingParser.node(raw, at: "\(at).key", depth: 1) } catch { errors.append(error.fieldError) }
            }
            guard let mappingSource = step["mapping"] else { error("\(at).mapping", "is required"); continue }
            do {
                let mapping = try MappingDocument(mappingSource)
                steps.append(.init(id: id, name: step["name"]?.string ?? target.title, target: target, when: when, key: key, mapping: mapping))
            } catch {
                errors.append(FieldError(field: "\(at).mapping" + (error.field.isEmpty ? "" : ".\(error.field)"), message: "\(error.rule): \(error.message)"))
            }
        }
        return steps
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard (1...40).contains(text.count), let first = text.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    mutating func policy(_ value: JSONValue?) -> FlowDefinition.ErrorPolicy {
        guard case .object(let policy)? = value else { return .init(maxAttempts: 8, onInvalid: "hold") }
        for key in policy.keys where !["max_attempts", "on_invalid"].contains(key) { error("error_policy.\(key)", "is not part of an error policy") }
        var attempts = 8
        if let raw = policy["max_attempts"] {
            if case .number(let n) = raw, let whole = Int(exactly: n), (1...20).contains(whole) {
                attempts = whole
            } else {
                error("error_policy.max_attempts", "must be an integer from 1 to 20")
            }
        }
        let onInvalid = policy["on_invalid"]?.string ?? "hold"
        if onInvalid != "hold" && onInvalid != "skip" { error("error_policy.on_invalid", "must be hold or skip") }
        return .init(maxAttempts: attempts, onInvalid: onInvalid)
    }

    mutating func fixtures(_ value: JSONValue?, stepIds: Set<String>) -> [FlowDefinition.Fixture] {
        guard let value else { return [] }
        guard let items = value.array, items.count <= FlowDefinition.maxFixtures else {
            error("fixtures", "must be an array of up to \(FlowDefinition.maxFixtures) fixtures")
            return []
        }
        var fixtures: [FlowDefinition.Fixture] = []
        for (index, item) in items.enumerated() {
            let at = "fixtures[\(index)]"
            guard case .object(let fixture) = item, let input = fixture["input"], case .object(let expected)? = fixture["expected"] else {
                error(at, "must be {\"name\": ..., \"input\": {...}, \"expected\": {step id: record}}")
                continue
            }
            for key in expected.keys where !stepIds.contains(key) { error("\(at).expected.\(key)", "is not a step of this flow") }
            fixtures.append(.init(name: fixture["name"]?.string ?? "fixture \(index + 1)", input: input, expected: expected))
        }
        return fixtures
    }
}
