import Foundation
import Testing
import ClearlineTesting
import Domain
import Persistence

/// Flows through the API: create from a template, edit, publish with fixtures, diff, preview,
/// deploy, promote dev → qa → prod under the promotion policy, roll back.
@Suite("Flows, versions and deployments", .requiresDatabase)
struct FlowApiTests {
    static func promote(_ tenant: String, _ flow: String, to environment: String, auth: Client.Auth = .platform) async throws -> Reply {
        try await Client.send("POST", "/v1/tenants/\(tenant)/environments/\(environment)/deployments/promote", auth: auth, json: ["flow_id": flow])
    }

    static func live(_ tenant: String, _ flow: String) async throws -> [String: Int] {
        let reply = try await Client.send("GET", "/v1/tenants/\(tenant)/flows/\(flow)")
        return reply.json["deployments"] as? [String: Int] ?? [:]
    }

    @Test func publishDeployPromoteEditDiffAndRollBack() async throws {
        let tenant = try await Fixtures.tenant()
        let flow = try await FlowFixtures.flow(tenant)
        let v1 = try await FlowFixtures.publish(tenant, flow)
        #expect(v1.status == 201, "\(v1.text)")
        #expect(v1.json["version"] as? Int == 1)
        #expect(v1.json["fixtures_passed"] as? Bool == true)
        #expect((v1["checksum"] ?? "").count == 64)
        // Publishing an unchanged draft again makes no new version.
        #expect(try await FlowFixtures.publish(tenant, flow).status == 409)

        #expect(try await FlowFixtures.deploy(tenant, flow, version: 1).status == 201)
        #expect(try await Self.promote(tenant, flow, to: "qa").status == 201)
        #expect(try await Self.promote(tenant, flow, to: "prod").status == 201)
        #expect(try await Self.live(tenant, flow) == ["dev": 1, "qa": 1, "prod": 1])

        // Edit the draft: the payment mode changes; publish version 2.
        var draft = try #require(try await Client.send("GET", "/v1/tenants/\(tenant)/flows/\(flow)").json["draft"] as? [String: Any])
        var steps = try #require(draft["steps"] as? [[String: Any]])
        var mapping = try #require(steps[3]["mapping"] as? [String: Any])
        var fields = try #require(mapping["fields"] as? [String: Any])
        fields["payment_mode"] = ["const": "others"]
        mapping["fields"] = fields
        steps[3]["mapping"] = mapping
        draft["steps"] = steps
        draft["fixtures"] = []
        let edited = try await Client.send("PATCH", "/v1/tenants/\(tenant)/flows/\(flow)", json: ["definition": draft, "revision": 1])
        #expect(edited.status == 200, "\(edited.text)")
        #expect(try await Client.send("PATCH", "/v1/tenants/\(tenant)/flows/\(flow)", json: ["name": "stale", "revision": 1]).status == 409)
        #expect(try await FlowFixtures.publish(tenant, flow).json["version"] as? Int == 2)

        let diff = try await Client.send("GET", "/v1/tenants/\(tenant)/flows/\(flow)/versions/2/diff?against=1")
        let changes = try #require(diff.json["changes"] as? [[String: Any]])
        let paths = changes.compactMap { $0["path"] as? String }
        #expect(paths.contains("steps[payment].mapping.fields.payment_mode.const"), "\(paths)")
        #expect(changes.first { ($0["path"] as? String)?.hasSuffix("payment_mode.const") == true }?["after"] as? String == "others")

        #expect(try await FlowFixtures.deploy(tenant, flow, version: 2).status == 201)
        #expect(try await Self.promote(tenant, flow, to: "qa").status == 201)
        #expect(try await Self.live(tenant, flow) == ["dev": 2, "qa": 2, "prod": 1])
        let rolledBack = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/qa/deployments/\(flow)/rollback")
        #expect(rolledBack.status == 200, "\(rolledBack.text)")
        #expect(rolledBack.json["version"] as? Int == 1)
        // Nothing ran in qa before version 1.
        #expect(try await Client.send("POST", "/v1/tenants/\(tenant)/environments/qa/deployments/\(flow)/rollback").status == 409)

        let history = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/qa/deployments/history?flow_id=\(flow)")
        let actions = (history.json["items"] as? [[String: Any]] ?? []).map { "\($0["action"]!) \($0["version"]!)" }
        #expect(actions == ["promote 1", "promote 2", "rollback 1"])
        let audit = try await Client.send("GET", "/v1/tenants/\(tenant)/audit-log?limit=100")
        let logged = Set((audit.json["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String })
        #expect(logged.isSuperset(of: ["flow.created", "flow.version_published", "flow.deploy", "flow.promote", "flow.rollback", "flow.draft_updated"]))
    }

    @Test func promotionLeavesEveryProdConnectionAndSecretUntouched() async throws {
        let tenant = try await Fixtures.tenant()
        let created = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/prod/connections", json: VendorFixtures.paytrace("PROD"))
        try #require(created.status == 201)
        let snapshot = {
            try TestServer.shared.database.transaction(.tenant(UUID(uuidString: tenant)!)) { tx in
                try tx.query("SELECT c::text AS row FROM connections c WHERE tenant_id = $1 ORDER BY id", [UUID(uuidString: tenant)!]).map {
                    try $0.string("row")
                }
                    + (try tx.query("SELECT s::text AS row FROM connection_secrets s WHERE tenant_id = $1 ORDER BY 1", [UUID(uuidString: tenant)!]).map {
                        try $0.string("row")
                    })
            }
        }
        let before = try snapshot()
        let flow = try await FlowFixtures.flow(tenant)
        _ = try await FlowFixtures.publish(tenant, flow)
        _ = try await FlowFixtures.deploy(tenant, flow, version: 1)
        #expect(try await Self.promote(tenant, flow, to: "qa").status == 201)
        #expect(try await Self.promote(tenant, flow, to: "prod").status == 201)
        #expect(try snapshot() == before)
        #expect(before.count >= 2)
    }

    @Test func anUnpassedFixtureOrAVersionNotRunInQABlocksProd() async throws {
        let tenant = try await Fixtures.tenant()
        let template = try await Client.send("GET", "/v1/flow-templates/paytrace-zoho-crm-declines")
        var definition = try #require(template.json["definition"] as? [String: Any])
        var fixtures = try #require(definition["fixtures"] as? [[String: Any]])
        fixtures[0]["expected"] = ["deal": ["Deal_Name": "PayTrace 1004", "Amount": "999.00", "Stage": "Closed Lost", "Lead_Source": "PayTrace decline"]]
        definition["fixtures"] = fixtures
        let flow = try #require(try await Client.send("POST", "/v1/tenants/\(tenant)/flows", json: ["name": "Declines", "definition": definition])["id"])
        let published = try await FlowFixtures.publish(tenant, flow)
        #expect(published.json["fixtures_passed"] as? Bool == false)
        let results = published.json["fixture_results"] as? [[String: Any]] ?? []
        #expect("\(results)".contains("deal.Amount"))
        _ = try await FlowFixtures.deploy(tenant, flow, version: 1)
        // Straight to prod from dev is not a promotion path.
        #expect(try await Self.promote(tenant, flow, to: "prod").status == 409)
        #expect(try await Self.promote(tenant, flow, to: "qa").status == 201)
        let blocked = try await Self.promote(tenant, flow, to: "prod")
        #expect(blocked.status == 409)
        #expect(blocked["detail"]?.contains("fixtures") == true)
        #expect(try await Self.live(tenant, flow)["prod"] == nil)

        // The owner may relax the policy per tenant.
        let policy = try await Client.send("PUT", "/v1/tenants/\(tenant)/promotion-policy", json: ["require_fixtures": false, "require_qa": true])
        #expect(policy.status == 200)
        #expect(try await Self.promote(tenant, flow, to: "prod").status == 201)
    }

    @Test func viewersReadButCannotDeployPromoteOrEdit() async throws {
        let tenant = try await Fixtures.tenant()
        let viewer = try await Fixtures.apiKey(tenant, role: "viewer")
        let flow = try await FlowFixtures.flow(tenant)
        _ = try await FlowFixtures.publish(tenant, flow)
        let auth = Client.Auth.bearer(viewer.token)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/flows/\(flow)", auth: auth).status == 200)
        #expect(
            try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/deployments", auth: auth, json: ["flow_id": flow, "version": 1]).status == 403
        )
        #expect(try await Self.promote(tenant, flow, to: "qa", auth: auth).status == 403)
        #expect(try await Client.send("PATCH", "/v1/tenants/\(tenant)/flows/\(flow)", auth: auth, json: ["name": "x"]).status == 403)
        #expect(try await Client.send("POST", "/v1/tenants/\(tenant)/flows/\(flow)/versions", auth: auth, json: [:]).status == 403)
        // Another tenant's flow is not found, whatever the id.
        let other = try await Fixtures.tenant()
        #expect(try await Client.send("GET", "/v1/tenants/\(other)/flows/\(flow)").status == 404)
    }

    @Test func previewShowsEachStepsRecordAndValidationWritingNothing() async throws {
        let tenant = try await Fixtures.tenant()
        let flow = try await FlowFixtures.flow(tenant)
        let sample: [String: Any] = [
            "transaction": [
                "transaction_id": 55, "transaction_type": "SALE", "amount": "12.5", "status": "SETTLED",
                "created_at": "11/22/2026 1:02:03 PM", "customer_id": "C1",
            ]
        ]
        let reply = try await Client.send("POST", "/v1/tenants/\(tenant)/flows/\(flow)/versions/draft/preview", json: ["sample": sample])
        #expect(reply.status == 200, "\(reply.text)")
        let steps = try #require(reply.json["steps"] as? [[String: Any]])
        #expect(steps.map { $0["outcome"] as? String } == ["write", "write", "write", "write", "skipped", "write"])
        #expect((steps[3]["record"] as? [String: Any])?["amount"] as? String == "12.50")
        // A record the target would refuse is shown as invalid, with the field.
        let missing: [String: Any] = ["transaction": ["transaction_id": 56, "status": "SETTLED"]]
        let invalid = try await Client.send("POST", "/v1/tenants/\(tenant)/flows/\(flow)/versions/draft/preview", json: ["sample": missing])
        let payment = try #require((invalid.json["steps"] as? [[String: Any]])?[3])
        #expect(payment["outcome"] as? String == "invalid")
        #expect("\(payment["errors"] ?? "")".contains("amount"))
        let count = try TestServer.shared.database.transaction(.tenant(UUID(uuidString: tenant)!)) {
            try $0.one("SELECT count(*) AS n FROM flow_versions")!.int("n")
        }
        #expect(count == 0)
    }

    @Test func previewRunsAStoredEventAndSaysWhetherTheTriggerWouldStart() async throws {
        let tenant = try await Fixtures.tenant()
        let flow = try await FlowFixtures.flow(tenant)
        let payload =
            #"{"transaction": {"transaction_id": 88, "transaction_type": "SALE", "amount": "20", "status": "SETTLED", "created_at": "11/22/2026 8:00:00 AM"}}"#
        let event = try TestServer.shared.database.transaction(.tenant(UUID(uuidString: tenant)!)) { tx in
            try EventStore.record(
                tx,
                NewEvent(
                    tenantId: UUID(uuidString: tenant)!, environment: .qa, source: "paytrace", vendorEventId: "txn:88:SALE",
                    type: "paytrace.transaction.sale", endpointId: nil, payload: payload), firstJob: .eventDispatch, wake: false
            ).id
        }
        let reply = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/flows/\(flow)/versions/draft/preview",
            json: ["event_id": event.uuidString, "environment": "qa"])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json["triggered"] as? Bool == true)
        let steps = try #require(reply.json["steps"] as? [[String: Any]])
        #expect((steps.last?["record"] as? [String: Any])?["Deal_Name"] as? String == "PayTrace 88")
        // The event lives in qa: from dev it does not exist.
        let elsewhere = try await Client.send("POST", "/v1/tenants/\(tenant)/flows/\(flow)/versions/draft/preview", json: ["event_id": event.uuidString])
        #expect(elsewhere.status == 404)
    }

    @Test func publishedVersionsCannotBeChangedEvenInTheDatabase() async throws {
        let tenant = try await Fixtures.tenant()
        let flow = try await FlowFixtures.flow(tenant)
        _ = try await FlowFixtures.publish(tenant, flow)
        _ = try await FlowFixtures.deploy(tenant, flow, version: 1)
        let listed = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/deployments")
        #expect((listed.json["items"] as? [[String: Any]])?.map { $0["version"] as? Int } == [1])
        let error = #expect(throws: PostgresError.self) {
            try TestServer.shared.database.transaction(.tenant(UUID(uuidString: tenant)!)) { tx in
                try tx.query("UPDATE flow_versions SET definition = '{}'::jsonb WHERE flow_id = $1", [UUID(uuidString: flow)!])
            }
        }
        #expect(error?.sqlState == "55000")
        // A deployed flow cannot be deleted out from under its environments.
        #expect(try await Client.send("DELETE", "/v1/tenants/\(tenant)/flows/\(flow)").status == 409)
    }

    @Test func invalidDefinitionsAreRefusedWithTheirPlace() async throws {
        let tenant = try await Fixtures.tenant()
        let reply = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/flows",
            json: [
                "name": "Bad",
                "definition": [
                    "trigger": ["source": "paytrace"],
                    "steps": [["id": "a", "target": "zoho_books.invoice", "mapping": ["fields": ["total": ["path": "x", "then": [["fn": "money"]]]]]]],
                ],
            ])
        #expect(reply.status == 422)
        #expect(reply.text.contains("definition.steps[0].mapping.fields.total.then[0].currency"))
        #expect(try await Client.send("POST", "/v1/tenants/\(tenant)/flows", json: ["name": "T", "template_id": "nope"]).status == 422)
    }

    @Test func suggestionsPairFieldsByNameSynonymAndType() async throws {
        let reply = try await Client.send(
            "POST", "/v1/mapping-suggestions",
            json: [
                "target": "zoho_books.customerpayment",
                "sample": [
                    "transaction": ["amount": "10.00", "created_at": "11/22/2026 1:02:03 PM", "transaction_id": 5, "receipt_emailed_to": "a@b.example"]
                ],
            ])
        #expect(reply.status == 200, "\(reply.text)")
        let items = reply.json["items"] as? [[String: Any]] ?? []
        let best = Dictionary(items.map { ($0["target"] as! String, $0["source"] as! String) }, uniquingKeysWith: { first, _ in first })
        #expect(best["amount"] == "transaction.amount", "\(reply.text)")
        #expect(best["date"] == "transaction.created_at")
        #expect(best["reference_number"] == "transaction.transaction_id")
        let date = items.first { $0["target"] as? String == "date" }
        #expect("\(date?["expression"] ?? "")".contains("paytrace"))
    }
}
