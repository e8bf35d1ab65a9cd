import Foundation
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/environments/{environment}/schedules`: cron expressions in a time
/// zone, each slot of which records one event (`event_type`, source `schedule`) that the flows
/// deployed in the environment take, like a webhook's. The workers' housekeeping fires them, each
/// slot once across processes; "Run now" records one more, outside the slots.
enum ScheduleRoutes {
    static let base = "/v1/tenants/{tenantId}/environments/{environment}/schedules"
    static let fields: Set<String> = ["name", "cron", "time_zone", "event_type", "enabled", "action"]
    /// Slots shown ahead, so that a person sees what the expression means.
    static let upcomingCount = 5

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base, access: .tenant(.admin), idempotent: true, handler: create),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let (cursor, limit) = try context.pagination()
            let page = try context.tenantTransaction { try $0.schedules.list(tenantId: tenantId, environment: environment, after: cursor, limit: limit) }
            return context.list(page) { ScheduleBody($0) }
        },
        Endpoint("GET", base + "/{scheduleId}", access: .tenant(.viewer)) { context in
            context.json(ScheduleBody(try find(context)))
        },
        Endpoint("PATCH", base + "/{scheduleId}", access: .tenant(.admin), handler: update),
        Endpoint("DELETE", base + "/{scheduleId}", access: .tenant(.admin)) { context in
            let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
            let id = try context.uuidParameter("scheduleId", resource: "schedule")
            try context.tenantTransaction { tx in
                guard try tx.schedules.delete(tenantId: tenantId, environment: environment, id: id) else { throw Problem.notFound("No such schedule.") }
                try context.audit(tx, tenantId: tenantId, action: "schedule.deleted", targetType: "schedule", targetId: id.lowercasedString)
            }
            return Response(status: 204)
        },
        Endpoint("POST", base + "/{scheduleId}/run", access: .tenant(.admin)) { context in
            let schedule = try find(context)
            let tenantId = try context.tenantId
            try context.tenantTransaction { tx in
                try tx.schedules.runNow(tenantId: tenantId, schedule, now: Date())
                try context.audit(tx, tenantId: tenantId, action: "schedule.run_now", targetType: "schedule", targetId: schedule.id.lowercasedString)
            }
            return context.json(RunNowBody(scheduleId: schedule.id.lowercasedString, eventType: schedule.eventType), status: 202)
        },
    ]

    static func find(_ context: RequestContext) throws -> Schedule {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        let id = try context.uuidParameter("scheduleId", resource: "schedule")
        guard let schedule = try context.tenantTransaction({ try $0.schedules.get(tenantId: tenantId, environment: environment, id: id) }) else {
            throw Problem.notFound("No such schedule.")
        }
        return schedule
    }

    /// The fields as sent (`current` fills what a PATCH leaves out), checked together.
    static func read(
        _ context: RequestContext, current: Schedule?
    ) throws -> (name: String, cron: String, timeZone: String, eventType: String?, enabled: Bool, action: ScheduleAction?) {
        // The event type and the action are a schedule's identity: set when it is made.
        var input = try JSONInput(context.request, allowed: current == nil ? fields : fields.subtracting(["event_type", "action"]))
        let name = input.string("name", required: current == nil, maxLength: 100).map { $0.trimmingCharacters(in: .whitespaces) }
        if let name, name.isEmpty || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            input.add(FieldError(field: "name", message: "must be 1 to 100 characters of text"))
        }
        let cron = input.string("cron", required: current == nil, maxLength: 200)
        if let cron {
            do {
                // `0 0 30 2 *` reads, and never comes: refused rather than kept as a schedule that never runs.
                if try CronExpression(cron).next(after: Date(), in: TimeZone(identifier: "UTC")!) == nil {
                    input.add(FieldError(field: "cron", message: "names no time in the next eight years"))
                }
            } catch {
                input.add(FieldError(field: "cron", message: "\(error)"))
            }
        }
        let timeZone = input.string("time_zone", required: false, maxLength: 64)
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            input.add(FieldError(field: "time_zone", message: "must be an IANA time zone, such as America/Los_Angeles"))
        }
        let eventType = input.string("event_type", required: false, maxLength: 69)
        if let eventType, eventType.range(of: #"^schedule\.[a-z0-9_.-]{1,60}$"#, options: .regularExpression) == nil {
            input.add(FieldError(field: "event_type", message: "must be schedule. and 1 to 60 lower-case letters, digits, dots, dashes or underscores"))
        }
        let enabled = input.boolean("enabled", required: false)
        let action = try readAction(context, &input)
        try input.validate()
        return (
            name ?? current?.name ?? "", cron ?? current?.cron ?? "", timeZone ?? current?.timeZone ?? "UTC", eventType,
            enabled ?? current?.enabled ?? true, action
        )
    }

    /// `action`: `{"kind": "collect_due_invoices", "zoho_connection_id" or "sage_connection_id",
    /// "paytrace_connection_id", "retry_days", "customer_id_prefix" (Sage Pro)}`, each connection
    /// of this environment and of its kind.
    static func readAction(_ context: RequestContext, _ input: inout JSONInput) throws -> ScheduleAction? {
        guard input.has("action") else { return nil }
        guard let object = input.raw("action") as? [String: Any] else {
            input.add(FieldError(field: "action", message: "must be an object"))
            return nil
        }
        let fields = ["kind", "zoho_connection_id", "sage_connection_id", "paytrace_connection_id", "retry_days", "customer_id_prefix"]
        for key in object.keys where !fields.contains(key) {
            input.add(FieldError(field: "action.\(key)", message: "is not a field of an action"))
        }
        guard object["kind"] as? String == ScheduleAction.collectDueInvoicesKind else {
            input.add(FieldError(field: "action.kind", message: "must be \(ScheduleAction.collectDueInvoicesKind)"))
            return nil
        }
        var retryDays = DueInvoiceCollection.defaultRetryDays
        if object["retry_days"] != nil {
            if let days = DueInvoiceCollection.wholeDays(input.document("action")?.object?["retry_days"]),
                DueInvoiceCollection.problem(retryDays: days) == nil
            {
                retryDays = days
            } else {
                input.add(FieldError(field: "action.retry_days", message: DueInvoiceCollection.retryDaysRule))
            }
        }
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        func connection(_ key: String, _ kind: ConnectionKind, _ what: String) throws -> UUID? {
            guard let id = (object[key] as? String).flatMap({ UUID(text: $0) }),
                try context.tenantTransaction({ try $0.connections.get(tenantId: tenantId, environment: environment, id: id) })?.kind == kind
            else {
                input.add(FieldError(field: "action.\(key)", message: "must be the id of a \(what) connection of this environment"))
                return nil
            }
            return id
        }
        // Books or Pro, one of them: the field present says which.
        let ledger: DueInvoiceCollection.Ledger = object["sage_connection_id"] != nil && object["zoho_connection_id"] == nil ? .sagePro : .zohoBooks
        if object["sage_connection_id"] != nil && object["zoho_connection_id"] != nil {
            input.add(FieldError(field: "action.sage_connection_id", message: "a collection reads one ledger: give zoho_connection_id or sage_connection_id"))
        }
        let books = try connection(ledger.connectionField, ledger == .sagePro ? .sageProAgent : .zoho, ledger == .sagePro ? "Sage Pro" : "Zoho")
        let payTrace = try connection("paytrace_connection_id", .paytrace, "PayTrace")
        let prefix = object["customer_id_prefix"].map { $0 as? String }
        if let prefix, prefix.map({ !DueInvoiceCollection.isValid(customerIdPrefix: $0) || ledger != .sagePro }) ?? true {
            input.add(
                FieldError(
                    field: "action.customer_id_prefix",
                    message: "must be up to 20 letters, digits, - _ or . , for a Sage Pro collection (PayTrace's id is it and the CUSTNO)"))
        }
        guard let books, let payTrace else { return nil }
        return .collectDueInvoices(
            DueInvoiceCollection(
                ledger: ledger, ledgerConnectionId: books, payTraceConnectionId: payTrace, retryDays: retryDays, customerIdPrefix: (prefix ?? "") ?? ""))
    }

    static func create(_ context: RequestContext) throws -> Response {
        let (tenantId, environment) = (try context.tenantId, try ConnectionRoutes.environment(context))
        let fields = try read(context, current: nil)
        let next = fields.enabled ? Schedule.nextSlot(cron: fields.cron, timeZone: fields.timeZone, after: Date()) : nil
        let schedule = try context.tenantTransaction { tx -> Schedule in
            let schedule: Schedule
            do {
                schedule = try tx.schedules.create(
                    tenantId: tenantId, environment: environment, name: fields.name, eventType: fields.eventType ?? Schedule.eventType(forName: fields.name),
                    cron: fields.cron, timeZone: fields.timeZone, enabled: fields.enabled, nextRunAt: next, action: fields.action)
            } catch is ScheduleNameTaken {
                throw Problem.conflict("This environment already has a schedule named \(fields.name).")
            }
            try context.audit(
                tx, tenantId: tenantId, action: "schedule.created", targetType: "schedule", targetId: schedule.id.lowercasedString,
                details: ["name": schedule.name, "cron": schedule.cron, "time_zone": schedule.timeZone])
            return schedule
        }
        var response = context.json(ScheduleBody(schedule), status: 201)
        response.setHeader(
            "Location", "/v1/tenants/\(tenantId.lowercasedString)/environments/\(environment.rawValue)/schedules/\(schedule.id.lowercasedString)")
        return response
    }

    static func update(_ context: RequestContext) throws -> Response {
        let current = try find(context)
        let tenantId = try context.tenantId
        let fields = try read(context, current: current)
        // A changed expression or zone, or switching on, starts from now; otherwise the slot stays.
        let unchanged = fields.cron == current.cron && fields.timeZone == current.timeZone && fields.enabled == current.enabled
        let next = !fields.enabled ? nil : unchanged ? current.nextRunAt : Schedule.nextSlot(cron: fields.cron, timeZone: fields.timeZone, after: Date())
        let schedule = try context.tenantTransaction { tx -> Schedule in
            let updated: Schedule?
            do {
                updated = try tx.schedules.update(
                    tenantId: tenantId, environment: current.environment, id: current.id, name: fields.name, cron: fields.cron, timeZone: fields.timeZone,
                    enabled: fields.enabled, nextRunAt: next)
            } catch is ScheduleNameTaken {
                throw Problem.conflict("This environment already has a schedule named \(fields.name).")
            }
            guard let updated else { throw Problem.notFound("No such schedule.") }
            try context.audit(
                tx, tenantId: tenantId, action: "schedule.updated", targetType: "schedule", targetId: current.id.lowercasedString,
                details: ["cron": updated.cron, "time_zone": updated.timeZone, "enabled": String(updated.enabled)])
            return updated
        }
        return context.json(ScheduleBody(schedule))
    }
}

struct ScheduleBody: Encodable {
    let id: String
    let environment: String
    let name: String
    let eventType: String
    let cron: String
    let timeZone: String
    let enabled: Bool
    let nextRunAt: Date?
    let upcoming: [Date]
    let lastSlot: Date?
    let lastFiredAt: Date?
    let fired: Int
    let createdAt: Date
    let updatedAt: Date
    let action: Action?

    /// What each slot does besides recording its event.
    struct Action: Encodable {
        let kind: String
        let zohoConnectionId: String?
        let sageConnectionId: String?
        let paytraceConnectionId: String
        let retryDays: [Int]
        let customerIdPrefix: String?
    }

    init(_ schedule: Schedule) {
        id = schedule.id.lowercasedString
        environment = schedule.environment.rawValue
        name = schedule.name
        eventType = schedule.eventType
        cron = schedule.cron
        timeZone = schedule.timeZone
        enabled = schedule.enabled
        nextRunAt = schedule.nextRunAt
        upcoming =
            schedule.nextRunAt.map {
                [$0] + Schedule.slots(cron: schedule.cron, timeZone: schedule.timeZone, after: $0, count: ScheduleRoutes.upcomingCount - 1)
            } ?? []
        lastSlot = schedule.lastSlot
        lastFiredAt = schedule.lastFiredAt
        fired = schedule.fired
        createdAt = schedule.createdAt
        updatedAt = schedule.updatedAt
        action = schedule.action.map {
            switch $0 {
            case .collectDueInvoices(let collection):
                Action(
                    kind: ScheduleAction.collectDueInvoicesKind,
                    zohoConnectionId: collection.ledger == .zohoBooks ? collection.ledgerConnectionId.lowercasedString : nil,
                    sageConnectionId: collection.ledger == .sagePro ? collection.ledgerConnectionId.lowercasedString : nil,
                    paytraceConnectionId: collection.payTraceConnectionId.lowercasedString, retryDays: collection.retryDays,
                    customerIdPrefix: collection.ledger == .sagePro ? collection.customerIdPrefix : nil)
            }
        }
    }
}

struct RunNowBody: Encodable {
    let scheduleId: String
    let eventType: String
}
