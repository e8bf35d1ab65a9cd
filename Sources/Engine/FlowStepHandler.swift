import Foundation
import Connectors
import Domain
import Persistence

/// `flow.step`: one step of a run. It maps the event (and what earlier steps wrote), checks the
/// record against the target's schema, and writes it once: a source key already in the
/// cross-reference is not written again, and the writer searches the target before creating.
/// The outcome, the link and the next step's job commit with the job's completion.
struct FlowStepHandler: JobHandler {
    static let kind = "flow.step"

    struct Loaded: Sendable {
        let run: RunStore.Run
        let definition: FlowDefinition
        let event: EventStore.Event
        let steps: [RunStore.Step]
        let connections: [Connection]
        let breakers: [UUID: CircuitBreakerStore.State]

        func breaker(_ connection: Connection, _ database: Database) -> CircuitBreaker {
            CircuitBreaker(database: database, connection: connection, state: breakers[connection.id])
        }

        /// The environment's enabled connection of `kind`, to write `schema` through.
        func connection(_ kind: ConnectionKind, _ name: String, for schema: TargetSchema) throws -> Connection {
            guard let connection = connections.first(where: { $0.kind == kind && $0.status != "disabled" }) else {
                throw PermanentJobFailure("\(run.environment.rawValue) has no \(name) connection to write \(schema.title) with.")
            }
            return connection
        }
    }

    func run(_ job: JobQueue.Job, _ context: JobContext) throws -> JobEffects {
        let payload = JSONValue(parsing: job.payload) ?? .null
        guard let runId = payload["run_id"]?.string.flatMap(UUID.init(uuidString:)), case .number(let number)? = payload["position"] else {
            throw PermanentJobFailure("a flow.step job needs run_id and position")
        }
        let position = Int(number)
        let loaded = try load(job, runId: runId, context)
        let run = loaded.run
        // "failed" too: a dead step replayed from the dead letters takes its run up again.
        guard run.status == "running" || run.status == "failed", position < loaded.definition.steps.count else { return .none }
        let step = loaded.definition.steps[position]
        let outcome: Outcome
        if let person = payload["skipped_by"]?.string {
            outcome = Outcome(status: "skipped", detail: "skipped by \(person) on review")
        } else {
            outcome = try self.outcome(of: step, loaded, context, replacement: payload["record"], replacedBy: payload["replaced_by"]?.string)
        }
        let summary = ["step": "\(position + 1). \(step.id) → \(step.target.name)", "outcome": outcome.status + (outcome.externalId.map { " \($0)" } ?? "")]
        return JobEffects(summary: summary) { tx in
            try Self.commit(outcome, of: step, at: position, loaded, orderingKey: job.orderingKey, tx)
        }
    }

    /// What a step did: its record, the id its target gave (or already had), or why not.
    struct Outcome: Sendable {
        let status: String
        var record: JSONValue?
        var externalId: String?
        var detail: String?
        /// The cross-reference key to record with the id, for a record written now.
        var link: String?
    }

    /// `replacement`: a record a person corrected on review, written in place of the mapping's.
    func outcome(of step: FlowDefinition.Step, _ loaded: Loaded, _ context: JobContext, replacement: JSONValue? = nil, replacedBy: String? = nil) throws -> Outcome {
        let run = loaded.run, database = context.database
        let inputs = MappingInputs(record: JSONValue(parsing: loaded.event.payload) ?? .null, steps: Self.outputs(loaded.steps)) { target, key in
            try? database.transaction(.tenant(run.tenantId)) { try RunStore.link($0, tenantId: run.tenantId, environment: run.environment, target: target, sourceKey: key) }
        }
        do {
            if let when = step.when, !(try when.holds(inputs)) {
                return Outcome(status: "skipped", detail: "its condition does not hold for this event")
            }
            let record = step.target.coerce(try replacement ?? step.mapping.evaluate(inputs))
            let problems = step.target.validate(record)
            guard problems.isEmpty else {
                return Outcome(status: "invalid", record: record, detail: problems.map { "\($0.field) \($0.message)" }.joined(separator: "; "))
            }
            var key = "event:\(run.eventId.uuidString.lowercased()):\(step.id)"
            if let node = step.key, let text = try node.evaluate(inputs).keyText { key = text }
            if let existing = try database.transaction(.tenant(run.tenantId), {
                try RunStore.link($0, tenantId: run.tenantId, environment: run.environment, target: step.target.name, sourceKey: key)
            }) {
                return Outcome(status: "linked", record: record, externalId: existing, detail: "already synced as \(existing)")
            }
            return Outcome(status: "written", record: record, externalId: try write(step.target, record, key: key, loaded, context),
                           detail: replacedBy.map { "the record as \($0) corrected it on review" }, link: key)
        } catch let error as MappingError {
            return Outcome(status: "failed", detail: error.description)
        } catch let skip as StepSkipped {
            return Outcome(status: "skipped", record: nil, detail: skip.reason)
        } catch let error as ConnectorError where error.kind == .permanent {
            // The target refused the record on its own rules (an invoice already paid, say):
            // retrying cannot help and writing around it would be wrong; a person decides.
            return Outcome(status: "invalid", detail: error.message)
        }
    }

    /// The step's outcome, its link, and what follows: the next step's job, or the run's end.
    static func commit(_ outcome: Outcome, of step: FlowDefinition.Step, at position: Int, _ loaded: Loaded, orderingKey: String?, _ tx: Transaction) throws {
        let run = loaded.run, definition = loaded.definition
        try RunStore.record(tx, run: run, position: position, stepId: step.id, target: step.target.name, status: outcome.status,
                            record: outcome.record?.canonicalText,
                            externalId: outcome.externalId, detail: outcome.detail)
        if let key = outcome.link, let id = outcome.externalId {
            try RunStore.putLink(tx, run: run, target: step.target.name, sourceKey: key, targetId: id)
        }
        switch outcome.status {
        case "failed":
            try RunStore.finish(tx, run: run, status: "failed", detail: "step \(step.id): \(outcome.detail ?? "")")
        case "invalid" where definition.errorPolicy.onInvalid == "hold":
            try RunStore.finish(tx, run: run, status: "review", detail: "step \(step.id) held for review (\(step.target.title)): \(outcome.detail ?? "")")
        default:
            if position + 1 < definition.steps.count {
                try StepJobs.enqueue(tx, tenantId: run.tenantId, environment: run.environment, eventId: run.eventId, runId: run.id, position: position + 1,
                            orderingKey: orderingKey, maxAttempts: definition.errorPolicy.maxAttempts)
                if run.status != "running" { try RunStore.finish(tx, run: run, status: "running", detail: nil) }
            } else {
                try RunStore.finish(tx, run: run, status: "succeeded", detail: nil)
            }
        }
    }

    /// A step that gave up (its attempts spent, or a failure retrying cannot fix) stops its run.
    func died(_ job: JobQueue.Job, reason: String, _ tx: Transaction) throws {
        guard let runId = JSONValue(parsing: job.payload)?["run_id"]?.string.flatMap(UUID.init(uuidString:)),
              let run = try RunStore.get(tx, tenantId: job.tenantId, id: runId) else { return }
        try RunStore.finish(tx, run: run, status: "failed", detail: "a step gave up: \(reason)")
    }

    func load(_ job: JobQueue.Job, runId: UUID, _ context: JobContext) throws -> Loaded {
        try context.database.transaction(.tenant(job.tenantId)) { tx in
            guard let run = try RunStore.get(tx, tenantId: job.tenantId, id: runId),
                  let version = try FlowStore.version(tx, tenantId: run.tenantId, flowId: run.flowId, version: run.version),
                  let event = try EventStore.get(tx, tenantId: run.tenantId, environment: run.environment, id: run.eventId) else {
                throw PermanentJobFailure("the run, its flow version or its event no longer exists")
            }
            let definition = try FlowDefinition(JSONValue(parsing: version.definition) ?? .null)
            let connections = try ConnectionStore.list(tx, tenantId: run.tenantId, environment: run.environment, after: nil, limit: 100).items
            return Loaded(run: run, definition: definition, event: event, steps: try RunStore.steps(tx, tenantId: run.tenantId, runId: run.id), connections: connections,
                          breakers: try CircuitBreakerStore.states(tx, tenantId: run.tenantId))
        }
    }

    /// The record goes to the environment's connection for the target's system.
    func write(_ schema: TargetSchema, _ record: JSONValue, key: String, _ loaded: Loaded, _ context: JobContext) throws -> String {
        switch schema.system {
        case "zoho_books", "zoho_crm":
            let connection = try loaded.connection(.zoho, "Zoho", for: schema)
            let secrets = try Self.secrets(of: connection, context)
            // A search and a create: two requests against the organization's per-minute limit,
            // which every worker of every process shares.
            let limit = RateLimits.Limit(perMinute: connection.text("requests_per_minute").flatMap { Int($0) } ?? 100)
            if let wait = try RateLimits.take(context.database, bucket: "zoho:\(connection.text("organization_id") ?? connection.id.uuidString)", cost: 2, limit: limit) {
                throw ConnectorError(.rateLimited(retryAfter: wait), "Zoho's \(Int(limit.capacity)) requests a minute for this organization are spent; waiting \(Int(wait.rounded(.up))) s.")
            }
            return try loaded.breaker(connection, context.database).call {
                try ZohoTargetWriter(clients: try ZohoClients.forConnection(connection, secrets: secrets)).write(schema, record)
            }
        case "shop":
            let connection = try loaded.connection(.shop, "shop", for: schema)
            let secrets = try Self.secrets(of: connection, context)
            // The step's key is the delivery's id: the same on every retry, for the shop to drop repeats.
            return try loaded.breaker(connection, context.database).call {
                try ShopWebhookClient.forConnection(connection, secrets: secrets).send(type: "fulfilment.updated", id: key, data: record)
            }
        case "sage_pro":
            let connection = try loaded.connection(.sageProAgent, "Sage Pro", for: schema)
            return try SageAgentWriter(database: context.database, connection: connection).write(schema, record, key: key)
        default:
            throw PermanentJobFailure("\(schema.title) has no writer.")
        }
    }

    static func secrets(of connection: Connection, _ context: JobContext) throws -> [String: String] {
        let vault = context.vault
        return try context.database.transaction(.tenant(connection.tenantId)) { try ConnectionStore.secrets($0, vault: vault, connection: connection) }
    }

    /// Earlier steps' records by step id, each with the id its target gave it.
    static func outputs(_ steps: [RunStore.Step]) -> [String: JSONValue] {
        var outputs: [String: JSONValue] = [:]
        for step in steps where step.status == "written" || step.status == "linked" {
            var record = step.record.flatMap { JSONValue(parsing: $0)?.object } ?? [:]
            if let id = step.externalId { record["id"] = .string(id) }
            outputs[step.stepId] = .object(record)
        }
        return outputs
    }
}
