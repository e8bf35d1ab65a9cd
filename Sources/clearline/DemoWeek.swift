import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Connectors
import Domain
import Engine
import Persistence

extension Demo {
    /// A reconciled week for the demo tenant, once: the money flows deployed to dev, a week of
    /// sandbox activity (`/_sandbox/paytrace/month`) recorded as PayTrace's events and its batches
    /// kept as settlements. The running server's workers write every sale into Books and Pro and
    /// reconcile each batch once the flows are done; one refund's event is held back, so one
    /// settlement shows drift ("refund not posted") that its page repairs. Runs against a server
    /// that is up (its agent must answer), after `demo seed`.
    struct Week: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give the demo tenant a week of reconciled settlements, one with drift.")

        @Option(help: "The vendor sandbox the demo's connections use.")
        var sandboxURL: String

        @Option(help: "The running Clearline server.")
        var clearlineURL = "http://127.0.0.1:8080"

        static let templates = [
            "paytrace-zoho-order-to-cash", "paytrace-zoho-refunds", "paytrace-zoho-voids", "paytrace-sage-order-to-erp", "paytrace-sage-adjustments",
        ]

        func run() throws {
            let database = try CLI.database()
            let vault = Vault(masterKeys: try Settings.fromEnvironment().masterKeys())
            guard let tenant = try database.transaction(.platform, { try TenantStore.find($0, slug: "demo") }) else {
                throw ValidationError("no demo tenant: run `clearline demo seed` first")
            }
            let found = try database.transaction(.tenant(tenant.id)) { tx -> (Bool, (Connection, [String: String])?) in
                let kept = try SettlementStore.list(tx, tenantId: tenant.id, environment: .dev, settledFrom: nil, settledTo: nil, after: nil, limit: 1)
                let paytrace = try ConnectionStore.list(tx, tenantId: tenant.id, environment: .dev, after: nil, limit: 200).items.first { $0.kind == .paytrace }
                return (!kept.items.isEmpty, try paytrace.map { ($0, try ConnectionStore.secrets(tx, vault: vault, connection: $0)) })
            }
            guard !found.0 else { return print("The demo tenant has its settlements already.") }
            guard let (connection, secrets) = found.1 else { throw ValidationError("the demo tenant has no PayTrace connection: seed with --sandbox-url") }
            let api = try API(base: clearlineURL, database: database)
            let tenantPath = "/v1/tenants/\(tenant.id.uuidString.lowercased())"
            let deployed = Set(try api.send("GET", tenantPath + "/flows?limit=100")["items"]?.array?.compactMap { $0["template_id"]?.string } ?? [])
            for template in Self.templates where !deployed.contains(template) {
                guard let flow = try api.send("POST", tenantPath + "/flows", ["name": .string(template), "template_id": .string(template)])["id"]?.string
                else { throw ValidationError("could not create the \(template) flow") }
                _ = try api.send("POST", tenantPath + "/flows/\(flow)/versions", ["notes": .string("the demo's week")])
                _ = try api.send("POST", tenantPath + "/environments/dev/deployments", ["flow_id": .string(flow), "version": .number(1)])
            }

            // The week up to yesterday, in the sandbox, and what PayTrace's export says of it.
            let days = 7, now = Date()
            let start = now.addingTimeInterval(-Double(days) * 86_400)
            _ = try Self.post(sandboxURL + "/_sandbox/paytrace/month", ["seed": 2026, "start": Timestamp.dayText(start), "days": days, "sales_per_day": 6])
            let client = try PayTraceClient.forConnection(connection, secrets: secrets)
            let transactions = try client.exportTransactions(from: Timestamp.usDay(Timestamp.dayText(start))!, to: Timestamp.usDay(Timestamp.dayText(now))!)
            // The drift: the last refund's event never arrives (a lost webhook), so its batch's
            // refund is in neither ledger until someone presses "Post refund".
            let withheld = transactions.last { $0.type == "REFUND" }?.transactionId
            let events = transactions.filter { $0.transactionId != withheld }.map(PayTraceEvents.event)
            try database.transaction(.tenant(tenant.id)) { tx in
                for (vendorId, type, body) in events {
                    _ = try EventStore.record(
                        tx,
                        NewEvent(
                            tenantId: tenant.id, environment: .dev, source: "paytrace", vendorEventId: vendorId, type: type, endpointId: nil, payload: body),
                        firstJob: .eventDispatch)
                }
            }
            _ = try api.send(
                "POST", tenantPath + "/environments/dev/settlements/backfill",
                [
                    "connection_id": .string(connection.id.uuidString.lowercased()), "from": .string(Timestamp.dayText(start)),
                    "to": .string(Timestamp.dayText(now)),
                ])
            print(
                "The demo's week: \(transactions.count) PayTrace transactions recorded; the flows write them and each batch is reconciled once they are done"
                    + (withheld.map { " (refund \($0) held back: its batch shows drift)." } ?? "."))
        }

        static func post(_ url: String, _ body: [String: Any]) throws -> Data {
            var request = URLRequest(url: URL(string: url)!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            let reply = try HTTPTransport.unguarded(timeout: 60).send(request, vendor: "the sandbox")
            guard reply.status == 200 else { throw ValidationError("\(url) answered HTTP \(reply.status)") }
            return reply.body
        }
    }

    /// The server's REST API with a platform token made for the purpose.
    struct API {
        let base: String
        let token: String
        let transport = HTTPTransport.unguarded(timeout: 60)

        init(base: String, database: Database) throws {
            self.base = base
            token = try database.transaction(.platform) { tx in
                let created = try APIKeyStore.createPlatformToken(tx, name: "demo week", createdBy: "cli")
                try CLI.audit(
                    tx, tenantId: nil, action: "platform_token.created", targetType: "api_key", targetId: created.id.uuidString.lowercased(),
                    details: ["name": "demo week"])
                return created.token
            }
        }

        func send(_ method: String, _ path: String, _ body: [String: JSONValue]? = nil) throws -> JSONValue {
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = method
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            if let body {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(JSONValue.object(body).canonicalText.utf8)
            }
            let reply = try transport.send(request, vendor: "Clearline")
            guard (200..<300).contains(reply.status) else {
                throw ValidationError("\(method) \(path) answered HTTP \(reply.status): \(String(decoding: reply.body, as: UTF8.self))")
            }
            return JSONValue(parsing: String(decoding: reply.body, as: UTF8.self)) ?? .null
        }
    }
}
