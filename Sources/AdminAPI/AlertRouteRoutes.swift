import Foundation
import Connectors
import Crypto
import Domain
import HTTPServer

/// `/v1/tenants/{tenantId}/alert-routes`: where the tenant's alerts are sent. A webhook route
/// gets a Standard Webhooks signing secret, shown once when it is made; an e-mail route goes
/// through the administrator's SMTP relay. `POST .../test` sends a test message at once and says
/// how it went; `GET .../notifications` lists what was sent.
enum AlertRouteRoutes {
    static let base = "/v1/tenants/{tenantId}/alert-routes"
    static let fields: Set<String> = ["name", "channel", "url", "recipients", "min_severity", "kinds", "environments", "gather_seconds", "enabled"]

    static let endpoints: [Endpoint] = [
        Endpoint("POST", base, access: .tenant(.admin), handler: create),
        Endpoint("GET", base, access: .tenant(.viewer)) { context in
            let tenantId = try context.tenantId
            let (cursor, limit) = try context.pagination()
            let page = try context.tenantRead { try $0.alertRoutes.list(tenantId: tenantId, after: cursor, limit: limit) }
            return context.list(page) { AlertRouteBody($0, signingSecret: nil) }
        },
        Endpoint("GET", base + "/{routeId}", access: .tenant(.viewer)) { context in
            let (tenantId, id) = (try context.tenantId, try context.uuidParameter("routeId", resource: "alert route"))
            guard let route = try context.tenantRead({ try $0.alertRoutes.get(tenantId: tenantId, id: id) }) else {
                throw Problem.notFound("No such alert route.")
            }
            return context.json(AlertRouteBody(route, signingSecret: nil))
        },
        Endpoint("PATCH", base + "/{routeId}", access: .tenant(.admin), handler: update),
        Endpoint("DELETE", base + "/{routeId}", access: .tenant(.admin)) { context in
            let (tenantId, id) = (try context.tenantId, try context.uuidParameter("routeId", resource: "alert route"))
            try context.tenantTransaction { tx in
                guard try tx.alertRoutes.delete(tenantId: tenantId, id: id) else { throw Problem.notFound("No such alert route.") }
                try context.audit(tx, tenantId: tenantId, action: "alert_route.deleted", targetType: "alert_route", targetId: id.lowercasedString, details: [:])
            }
            return context.noContent()
        },
        Endpoint("POST", base + "/{routeId}/test", access: .tenant(.admin), handler: test),
        Endpoint("GET", base + "/{routeId}/notifications", access: .tenant(.viewer)) { context in
            let (tenantId, id) = (try context.tenantId, try context.uuidParameter("routeId", resource: "alert route"))
            let (cursor, limit) = try context.pagination()
            let page = try context.tenantTransaction { tx in
                guard try tx.alertRoutes.get(tenantId: tenantId, id: id) != nil else { throw Problem.notFound("No such alert route.") }
                return try tx.alertRoutes.notifications(tenantId: tenantId, routeId: id, after: cursor, limit: limit)
            }
            return context.list(page, AlertNotificationBody.init)
        },
    ]

    static func create(_ context: RequestContext) throws -> Response {
        let tenantId = try context.tenantId
        var input = try JSONInput(context.request, allowed: fields)
        let channelText = input.string("channel", required: true, maxLength: 10)
        let channel = channelText.flatMap(AlertRoute.Channel.init(rawValue:))
        if channelText != nil && channel == nil { input.add(FieldError(field: "channel", message: "must be webhook or email")) }
        var settings = settings(&input, channel: channel, creating: true)
        try input.validate()
        guard let channel else { throw Problem.validation(input.errors) }
        if channel == .email { settings.url = nil } else { settings.recipients = [] }
        let secret = channel == .webhook ? StandardWebhookSignature.newSecret() : nil
        let route = try context.tenantTransaction { tx -> AlertRoute in
            let route = try tx.alertRoutes.create(tenantId: tenantId, channel: channel, settings, signingSecret: secret)
            try context.audit(
                tx, tenantId: tenantId, action: "alert_route.created", targetType: "alert_route", targetId: route.id.lowercasedString,
                details: ["channel": channel.rawValue, "name": route.name])
            return route
        }
        var response = context.json(AlertRouteBody(route, signingSecret: secret), status: 201)
        response.setHeader("Location", "/v1/tenants/\(tenantId.lowercasedString)/alert-routes/\(route.id.lowercasedString)")
        return response
    }

    static func update(_ context: RequestContext) throws -> Response {
        let (tenantId, id) = (try context.tenantId, try context.uuidParameter("routeId", resource: "alert route"))
        var input = try JSONInput(context.request, allowed: fields.subtracting(["channel"]))
        let changes = settings(&input, channel: nil, creating: false)
        try input.validate()
        let route = try context.tenantTransaction { tx -> AlertRoute in
            guard let current = try tx.alertRoutes.get(tenantId: tenantId, id: id) else { throw Problem.notFound("No such alert route.") }
            var merged = current.applying(changes)
            // What the route's channel does not use is not kept (an e-mail route has no address).
            if current.channel == .webhook {
                merged.recipients = []
                if changes.recipients != nil { throw Problem.validation([FieldError(field: "recipients", message: "a webhook route has no recipients")]) }
            } else {
                merged.url = nil
                if changes.url != nil { throw Problem.validation([FieldError(field: "url", message: "an e-mail route has no url")]) }
            }
            guard let updated = try tx.alertRoutes.update(tenantId: tenantId, id: id, merged) else { throw Problem.notFound("No such alert route.") }
            try context.audit(
                tx, tenantId: tenantId, action: "alert_route.updated", targetType: "alert_route", targetId: id.lowercasedString,
                details: ["enabled": String(updated.enabled)])
            return updated
        }
        return context.json(AlertRouteBody(route, signingSecret: nil))
    }

    /// The settings given; with `creating`, the channel's address is required.
    static func settings(_ input: inout JSONInput, channel: AlertRoute.Channel?, creating: Bool) -> AlertRouteSettings {
        var settings = AlertRouteSettings()
        settings.name = input.string("name", required: creating, maxLength: 100)
        // openapi.yaml's pattern: no control characters, and something besides spaces.
        if let name = settings.name,
            name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) || name.unicodeScalars.allSatisfy({ $0.value <= 0x20 })
        {
            input.add(FieldError(field: "name", message: "must not be blank or hold control characters"))
        }
        if let url = input.string("url", required: creating && channel == .webhook, maxLength: 2048) {
            if let refusal = OutboundPolicy.refusal(url: url) { input.add(FieldError(field: "url", message: refusal)) } else { settings.url = url }
        }
        if input.has("recipients") || (creating && channel == .email) {
            let list = input.raw("recipients") as? [Any]
            let addresses = list?.compactMap { $0 as? String } ?? []
            if list == nil || addresses.count != list?.count || !(1...20).contains(addresses.count) {
                input.add(FieldError(field: "recipients", message: "must be a list of 1 to 20 e-mail addresses"))
            } else if let bad = addresses.first(where: { !MailAddress.isValid($0) }) {
                input.add(FieldError(field: "recipients", message: "\(String(bad.prefix(80))) is not an e-mail address"))
            } else {
                settings.recipients = addresses
            }
        }
        if let severity = input.string("min_severity", required: false, maxLength: 10) {
            settings.minSeverity = Alert.Severity(rawValue: severity)
            if settings.minSeverity == nil { input.add(FieldError(field: "min_severity", message: "must be info, warning or critical")) }
        }
        settings.kinds = list(&input, "kinds", allowed: Set(Alert.Kind.allCases.map(\.rawValue)), what: "alert kinds")
        settings.environments = list(&input, "environments", allowed: Set(EnvironmentName.allCases.map(\.rawValue)), what: "environments (dev, qa, prod)")
        settings.gatherSeconds = input.integer("gather_seconds", required: false, range: 0...3600)
        settings.enabled = input.boolean("enabled", required: false)
        return settings
    }

    /// A list of names from `allowed` (empty: all of them), each once.
    static func list(_ input: inout JSONInput, _ key: String, allowed: Set<String>, what: String) -> [String]? {
        guard input.has(key) else { return nil }
        guard let values = input.raw(key) as? [Any], let names = values as? [String], names.allSatisfy(allowed.contains) else {
            input.add(FieldError(field: key, message: "must be a list of \(what): \(allowed.sorted().joined(separator: ", "))"))
            return nil
        }
        return Array(Set(names)).sorted()
    }

    /// `POST .../{routeId}/test`: a test message now, in a vendor-call slot of the tenant's (the
    /// receiver may be slow); the answer says whether it arrived and, if not, why.
    static func test(_ context: RequestContext) throws -> Response {
        let (tenantId, id) = (try context.tenantId, try context.uuidParameter("routeId", resource: "alert route"))
        let (route, secret, tenantName) = try context.tenantTransaction { tx -> (AlertRoute, String?, String) in
            guard let route = try tx.alertRoutes.get(tenantId: tenantId, id: id) else { throw Problem.notFound("No such alert route.") }
            let secret = route.channel == .webhook ? try tx.alertRoutes.signingSecret(tenantId: tenantId, routeId: id) : nil
            return (route, secret, try tx.tenants.get(id: tenantId)?.name ?? "your tenant")
        }
        let message = AlertMessage(
            id: UUID(), tenantName: tenantName, alerts: [], consoleURL: nil, test: true)
        let delivery = AlertDelivery(mailRelay: context.services.configuration.mailRelay, transport: .withinRequest)
        let failure = try context.services.vendorCallSlots.run(tenantId: tenantId) { () -> String? in
            do {
                try delivery.send(message, on: route, signingSecret: secret, tenantId: tenantId)
                return nil
            } catch let error as ConnectorError {
                return error.message
            }
        }
        try context.tenantTransaction { tx in
            try tx.alertRoutes.recordTest(tenantId: tenantId, routeId: id, id: message.id, error: failure)
            try context.audit(
                tx, tenantId: tenantId, action: "alert_route.tested", targetType: "alert_route", targetId: id.lowercasedString,
                details: ["outcome": failure == nil ? "sent" : "failed"])
        }
        let text = failure ?? (route.channel == .webhook ? "The webhook accepted the test message." : "The SMTP relay accepted the test message.")
        return context.json(AlertRouteTestBody(ok: failure == nil, message: text, notificationId: message.id.lowercasedString))
    }
}

struct AlertRouteBody: Encodable {
    let id: String
    let name: String
    let channel: String
    let url: String?
    let recipients: [String]?
    let minSeverity: String
    let kinds: [String]
    let environments: [String]
    let gatherSeconds: Int
    let enabled: Bool
    let createdAt: Date
    /// Only in the answer that made the route: the receiver verifies with it.
    let signingSecret: String?

    init(_ route: AlertRoute, signingSecret: String?) {
        id = route.id.lowercasedString
        name = route.name
        channel = route.channel.rawValue
        url = route.url
        recipients = route.channel == .email ? route.recipients : nil
        minSeverity = route.minSeverity.rawValue
        kinds = route.kinds
        environments = route.environments
        gatherSeconds = route.gatherSeconds
        enabled = route.enabled
        createdAt = route.createdAt
        self.signingSecret = signingSecret
    }
}

struct AlertNotificationBody: Encodable {
    let id: String
    let status: String
    let test: Bool
    let alertCount: Int
    let attempts: Int
    let lastError: String?
    let createdAt: Date
    let sentAt: Date?

    init(_ notification: AlertNotification) {
        id = notification.id.lowercasedString
        status = notification.status.rawValue
        test = notification.test
        alertCount = notification.alertCount
        attempts = notification.attempts
        lastError = notification.lastError
        createdAt = notification.createdAt
        sentAt = notification.sentAt
    }
}

struct AlertRouteTestBody: Encodable {
    let ok: Bool
    let message: String
    let notificationId: String
}
