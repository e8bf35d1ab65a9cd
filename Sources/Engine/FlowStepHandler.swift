import Foundation
import Synchronization
import Connectors
import Domain
import Persistence

/// `flow.step`: one step of a run. It maps the event (and what earlier steps wrote), checks the
/// record against the target's schema, and writes it once through the `SyncLedger`. The
/// outcome, the ledger entry and the next step's job commit with the job's completion.
struct FlowStepHandler: JobHandler {
    struct Loaded: Sendable {
        let run: Run
        let definition: FlowDefinition
        /// The event's payload, parsed, and when it arrived.
        let event: StepCaches.ParsedEvent
        let steps: [RunStep]
        let connections: [Connection]
        let breakers: [UUID: CircuitBreakerState]
        /// The step's ledger lookup, when its key could be guessed before the load.
        var ledgerGuess: StepLedgerGuess? = nil

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

    func run(_ job: Job, _ context: JobContext) throws -> JobEffects {
        guard let payload = StepJobPayload(jsonText: job.payload) else {
            throw PermanentJobFailure("a flow.step job needs run_id and position")
        }
        let position = payload.position
        let loaded = try load(job, payload, context)
        let run = loaded.run
        // Failed too: a dead step replayed from the dead letters takes its run up again.
        guard run.status == .running || run.status == .failed, position < loaded.definition.steps.count else { return .none }
        let step = loaded.definition.steps[position]
        let outcome: Outcome
        let started = Date()
        defer { ProcessTelemetry.shared.stepTook(target: step.target.name, seconds: Date().timeIntervalSince(started)) }
        switch payload.resume {
        case .skip(let person):
            outcome = Outcome(status: .skipped, detail: "skipped by \(person) on review")
        case .replace(let record, let person):
            outcome = try self.outcome(of: step, loaded, context, replacement: record, replacedBy: person)
        case .retry:
            outcome = try self.outcome(of: step, loaded, context)
        }
        let summary = [
            "step": "\(position + 1). \(step.id) → \(step.target.name)",
            "outcome": outcome.status.rawValue + (outcome.externalId.map { " \($0)" } ?? ""),
        ]
        return JobEffects.following(summary: summary) { tx in
            try Self.commit(outcome, of: step, at: position, loaded, orderingKey: job.orderingKey, tx).map { [$0] } ?? []
        }
    }

    /// What a step did: its record, the id its target gave (or already had), or why not.
    struct Outcome: Sendable {
        let status: StepStatus
        var record: JSONValue?
        var externalId: String?
        var detail: String?
        /// The cross-reference key to record with the id, for a record written now.
        var link: String?
    }

    /// `replacement`: a record a person corrected on review, written in place of the mapping's.
    func outcome(of step: FlowDefinition.Step, _ loaded: Loaded, _ context: JobContext, replacement: JSONValue? = nil, replacedBy: String? = nil) throws
        -> Outcome
    {
        let run = loaded.run
        let ledger = SyncLedger(database: context.database, tenantId: run.tenantId, environment: run.environment)
        let inputs = MappingInputs(record: loaded.event.record, steps: Self.outputs(loaded.steps)) { target, key in
            try? ledger.lookup(target: target, sourceKey: key)
        }
        do {
            if let when = step.when, !(try when.holds(inputs)) {
                return Outcome(status: .skipped, detail: Self.skippedDetail)
            }
            let record = step.target.coerce(try replacement ?? step.mapping.evaluate(inputs))
            let problems = step.target.validate(record)
            guard problems.isEmpty else {
                return Outcome(status: .invalid, record: record, detail: problems.map { "\($0.field) \($0.message)" }.joined(separator: "; "))
            }
            var key = "event:\(run.eventId.lowercasedText):\(step.id)"
            if let node = step.key, let text = try node.evaluate(inputs).keyText { key = text }
            let known = loaded.ledgerGuess?.answer(target: step.target.name, key: key)
            switch try ledger.write(
                step.target, record, key: key, known: known, eventReceivedAt: loaded.event.receivedAt,
                begun: { loaded.ledgerGuess?.intent(searchKey: $0) }, through: { try writer(for: step.target, loaded, context) })
            {
            case .linked(let existing):
                return Outcome(status: .linked, record: record, externalId: existing, detail: "already synced as \(existing)")
            case .written(let id):
                return Outcome(
                    status: .written, record: record, externalId: id, detail: replacedBy.map { "the record as \($0) corrected it on review" }, link: key)
            }
        } catch let error as MappingError {
            return Outcome(status: .failed, detail: error.description)
        } catch let skip as StepSkipped {
            return Outcome(status: .skipped, record: nil, detail: skip.reason)
        } catch let error as ConnectorError where error.kind == .permanent {
            // The target refused the record on its own rules (an invoice already paid, say):
            // retrying cannot help and writing around it would be wrong; a person decides.
            return Outcome(status: .invalid, detail: error.message)
        }
    }

    /// The step's outcome, its link, and what follows: the run's end, or the next step's job,
    /// returned for the pool to queue (it may hand the job straight to one of its workers).
    static func commit(_ outcome: Outcome, of step: FlowDefinition.Step, at position: Int, _ loaded: Loaded, orderingKey: String?, _ tx: Transaction) throws
        -> NewJob?
    {
        let run = loaded.run, definition = loaded.definition
        // The step as recorded, its record's text written once: the row, and the input of the
        // conditions of the steps after it (`skipAhead`).
        let recorded = RunStep(
            position: position, stepId: step.id, target: step.target.name, status: outcome.status, record: outcome.record?.canonicalText,
            externalId: outcome.externalId, detail: outcome.detail, updatedAt: Date())
        try RunStore.record(
            tx, run: run, position: position, stepId: step.id, target: step.target.name, status: outcome.status, record: recorded.record,
            externalId: outcome.externalId, detail: outcome.detail)
        if let key = outcome.link, let id = outcome.externalId {
            try SyncLedger.record(
                tx,
                SyncLink(
                    tenantId: run.tenantId, environment: run.environment, target: step.target.name, sourceKey: key,
                    targetId: id, runId: run.id))
        }
        switch outcome.status {
        case .failed:
            ProcessTelemetry.shared.runFinished(RunStatus.failed.rawValue)
            try RunStore.finish(tx, run: run, status: .failed, detail: "step \(step.id): \(outcome.detail ?? "")")
        case .invalid where definition.errorPolicy.onInvalid == "hold":
            ProcessTelemetry.shared.runFinished(RunStatus.review.rawValue)
            try RunStore.finish(tx, run: run, status: .review, detail: "step \(step.id) held for review (\(step.target.title)): \(outcome.detail ?? "")")
        default:
            let next = try skipAhead(from: position + 1, after: recorded, loaded, tx)
            if next < definition.steps.count {
                if run.status != .running { try RunStore.finish(tx, run: run, status: .running, detail: nil) }
                return StepJobPayload(runId: run.id, position: next).job(
                    tenantId: run.tenantId, environment: run.environment, eventId: run.eventId, orderingKey: orderingKey,
                    maxAttempts: definition.errorPolicy.maxAttempts, since: loaded.event.receivedAt)
            } else {
                ProcessTelemetry.shared.runFinished(RunStatus.succeeded.rawValue)
                try RunStore.finish(tx, run: run, status: .succeeded, detail: nil)
            }
        }
        return nil
    }

    /// The first step from `start` on whose condition holds, or may: those before it are recorded
    /// skipped in this transaction, as their own jobs would have recorded them, with the same
    /// inputs (the event, and every earlier step's record with this one's outcome). A skipped
    /// step calls no one, and a job of its own cost a load, a queue entry and a commit: one of
    /// order-to-cash's seven jobs for a sale without a receipt email. A condition that looks up
    /// the ledger, or fails, is left to the step's own job.
    static func skipAhead(from start: Int, after current: RunStep, _ loaded: Loaded, _ tx: Transaction) throws -> Int {
        let steps = loaded.definition.steps
        guard start < steps.count, steps[start].when != nil else { return start }
        let looked = Mutex(false)
        let inputs = MappingInputs(record: loaded.event.record, steps: outputs(loaded.steps.filter { $0.position != current.position } + [current])) {
            _, _ in
            looked.withLock { $0 = true }
            return nil
        }
        var next = start
        while next < steps.count, let condition = steps[next].when {
            guard (try? condition.holds(inputs)) == false, !looked.withLock({ $0 }) else { break }
            try RunStore.record(
                tx, run: loaded.run, position: next, stepId: steps[next].id, target: steps[next].target.name, status: .skipped, record: nil,
                externalId: nil, detail: skippedDetail)
            next += 1
        }
        return next
    }

    static let skippedDetail = "its condition does not hold for this event"

    /// A step that gave up (its attempts spent, or a failure retrying cannot fix) stops its run.
    func died(_ job: Job, reason: String, _ tx: Transaction) throws {
        guard let payload = StepJobPayload(jsonText: job.payload), let run = try RunStore.get(tx, tenantId: job.tenantId, id: payload.runId) else { return }
        ProcessTelemetry.shared.runFinished(RunStatus.failed.rawValue)
        try RunStore.finish(tx, run: run, status: .failed, detail: "a step gave up: \(reason)")
    }

    /// The run and what its step needs. A flow version never changes once published, nor does an
    /// event's payload: both come from the process's cache when a step of theirs ran here before.
    /// The run, its earlier steps, the environment's connections and the breakers are read in one
    /// round trip with no BEGIN or COMMIT (`Database.readTogether`): the job names the run's tenant
    /// and environment, so none of these reads waits on another. So is the step's ledger lookup,
    /// when its key can be guessed (`StepLedgerGuess`).
    func load(_ job: Job, _ payload: StepJobPayload, _ context: JobContext) throws -> Loaded {
        let (tenantId, runId) = (job.tenantId, payload.runId)
        var guess = StepLedgerGuess(payload)
        let reads = (
            RunStore.get(tenantId: tenantId, id: runId), ConnectionStore.all(tenantId: tenantId, environment: job.environment),
            RunStore.steps(tenantId: tenantId, runId: runId), CircuitBreakerStore.states(tenantId: tenantId)
        )
        var (found, connections, steps, breakers) = try context.database.readTogether(.tenant(tenantId)) { tx in
            guard let known = guess else { return try tx.read(reads.0, reads.1, reads.2, reads.3) }
            let lookup = SyncLinkStore.lookup(tenantId: tenantId, environment: job.environment, target: known.target, sourceKey: known.key)
            guard let searchKey = known.searchKey else {
                let (run, connections, steps, breakers, linked) = try tx.read(reads.0, reads.1, reads.2, reads.3, lookup)
                guess?.targetId = linked
                return (run, connections, steps, breakers)
            }
            // The write's intent, committed with these reads: the write needs no round trip of its own for it.
            let (run, connections, steps, breakers, linked, first) = try tx.read(
                reads.0, reads.1, reads.2, reads.3, lookup,
                SyncIntentStore.begin(
                    tenantId: tenantId, environment: job.environment, target: known.target, searchKey: searchKey,
                    eventReceivedAt: known.eventReceivedAt))
            guess?.targetId = linked
            guess?.firstIntent = first
            return (run, connections, steps, breakers)
        }
        guard let run = found else { throw PermanentJobFailure("the run no longer exists") }
        StepCaches.remember(run: run.id, .init(flowId: run.flowId, version: run.version, eventId: run.eventId))
        // The run's environment rules, should a job ever name another.
        if run.environment != job.environment {
            guess = nil
            connections = try context.database.read(.tenant(tenantId)) {
                try $0.read(ConnectionStore.all(tenantId: tenantId, environment: run.environment))
            }
        }
        let (definition, event) = try cached(run, context)
        return Loaded(
            run: run, definition: definition, event: event, steps: steps, connections: connections, breakers: breakers, ledgerGuess: guess)
    }

    /// The run's flow version and event, from the process's cache or else read once.
    func cached(_ run: Run, _ context: JobContext) throws -> (FlowDefinition, StepCaches.ParsedEvent) {
        if let definition = StepCaches.cachedDefinition(flowId: run.flowId, version: run.version), let event = StepCaches.cachedEvent(run.eventId) {
            return (definition, event)
        }
        return try context.database.transaction(.tenant(run.tenantId)) { tx in
            let definition = try StepCaches.definition(flowId: run.flowId, version: run.version) {
                guard let version = try FlowStore.version(tx, tenantId: run.tenantId, flowId: run.flowId, version: run.version) else {
                    throw PermanentJobFailure("the run's flow version no longer exists")
                }
                return try FlowDefinition(JSONValue(parsing: version.definition) ?? .null)
            }
            let event = try StepCaches.event(run.eventId) {
                guard let event = try EventStore.get(tx, tenantId: run.tenantId, environment: run.environment, id: run.eventId) else {
                    throw PermanentJobFailure("the run's event no longer exists")
                }
                return StepCaches.ParsedEvent(record: JSONValue(parsing: event.payload) ?? .null, receivedAt: event.receivedAt)
            }
            return (definition, event)
        }
    }

    /// The business key `writer(for:)`'s writer would search the record `mapping` makes by,
    /// worked out without making the writer or the whole record (`StepLedgerGuess`).
    static func searchKey(_ schema: TargetSchema, _ mapping: MappingDocument, _ inputs: MappingInputs) -> String? {
        switch schema.system {
        case "zoho_books", "zoho_crm":
            guard let fields = try? mapping.evaluate(only: ZohoTargetWriter.searchKeyFields, inputs) else { return nil }
            return ZohoTargetWriter.searchKey(schema, schema.coerce(fields))
        default: return nil
        }
    }

    /// The writer for the target's system, through the environment's connection for it; asked
    /// for only when the ledger has no entry for the step's key.
    func writer(for schema: TargetSchema, _ loaded: Loaded, _ context: JobContext) throws -> any TargetWriter {
        switch schema.system {
        case "zoho_books", "zoho_crm":
            let connection = try loaded.connection(.zoho, "Zoho", for: schema)
            let secrets = try Self.secrets(of: connection, context)
            // A search and a create: two requests against the organization's per-minute limit,
            // which every worker of every process shares. Three more steps' worth are taken ahead
            // while the bucket is over half full, for this process's next steps.
            let limit = RateLimits.Limit(perMinute: connection.text("requests_per_minute").flatMap { Int($0) } ?? 100)
            // The tenant's own bucket for its organization: a tenant naming another's organization
            // id spends its own budget, never the other's.
            let bucket = "zoho:\(connection.tenantId.lowercasedText):\(connection.text("organization_id") ?? connection.id.uuidString)"
            if let wait = try RateLimits.takeAhead(
                context.database, bucket: bucket, cost: ZohoQuotaKeeper.callsPerStep, ahead: 3 * ZohoQuotaKeeper.callsPerStep, limit: limit)
            {
                throw ConnectorError(
                    .rateLimited(retryAfter: wait),
                    "Zoho's \(Int(limit.capacity)) requests a minute for this organization are spent; waiting \(Int(wait.rounded(.up))) s.")
            }
            return BreakerGuardedWriter(
                writer: ZohoTargetWriter(
                    clients: try ZohoClients.forConnection(
                        connection, secrets: secrets, onQuota: ZohoQuotaKeeper.keeper(context.database, bucket: bucket, limit: limit))),
                breaker: loaded.breaker(connection, context.database))
        case "shop":
            let connection = try loaded.connection(.shop, "shop", for: schema)
            let secrets = try Self.secrets(of: connection, context)
            return BreakerGuardedWriter(
                writer: ShopTargetWriter(client: try ShopWebhookClient.forConnection(connection, secrets: secrets)),
                breaker: loaded.breaker(connection, context.database))
        case "sage_pro":
            let connection = try loaded.connection(.sageProAgent, "Sage Pro", for: schema)
            return SageAgentWriter(database: context.database, connection: connection)
        case "paytrace":
            return PayTraceChargeWriter(database: context.database, connection: try loaded.connection(.paytrace, "PayTrace", for: schema))
        default:
            throw PermanentJobFailure("\(schema.title) has no writer.")
        }
    }

    static func secrets(of connection: Connection, _ context: JobContext) throws -> [String: String] {
        let vault = context.vault
        return try StepCaches.secrets(of: connection) {
            try context.database.transaction(.tenant(connection.tenantId)) { try ConnectionStore.secrets($0, vault: vault, connection: connection) }
        }
    }

    /// Earlier steps' records by step id, each with the id its target gave it.
    static func outputs(_ steps: [RunStep]) -> [String: JSONValue] {
        var outputs: [String: JSONValue] = [:]
        for step in steps where step.status.produced {
            var record = step.record.flatMap { JSONValue(parsing: $0)?.object } ?? [:]
            if let id = step.externalId { record["id"] = .string(id) }
            outputs[step.stepId] = .object(record)
        }
        return outputs
    }
}
