import Foundation
import Testing
import ClearlineTesting

/// Chargebacks entered by hand or by CSV: each becomes one dispute, one event and one alert;
/// a bad file enters nothing and names every bad line; another tenant sees none of it.
@Suite("Chargebacks entered through the API and by CSV", .requiresDatabase)
struct ChargebackApiTests {
    static func path(_ tenant: String, _ rest: String = "") -> String { "/v1/tenants/\(tenant)/environments/dev/chargebacks\(rest)" }

    static func importCSV(_ tenant: String, _ text: String) async throws -> Reply {
        try await Client.send("POST", path(tenant, "/import"), body: Data(text.utf8), headers: ["Content-Type": "text/csv"])
    }

    @Test func oneEnteredCaseIsOneDisputeEventAndAlert() async throws {
        let tenant = try await Fixtures.tenant()
        let chargeback: [String: Any] = [
            "case_number": "CB-1", "customer_id": "acme-1", "amount": "108.25", "reason": "Fraud on 4111 1111 1111 1111",
            "received_at": "2026-11-20",
        ]
        let first = try await Client.send("POST", Self.path(tenant), json: chargeback)
        #expect(first.status == 201, "\(first.text)")
        #expect(
            first["amount"] == "108.25" && first["fee"] == "0.00" && first["currency"] == "USD" && first["status"] == "open" && first["entered_via"] == "api")
        #expect(
            first["reason"]?.contains("1111") == true && !first.text.contains("4111 1111 1111 1111"),
            "a card number typed in is masked: \(first["reason"] ?? "")")
        let again = try await Client.send("POST", Self.path(tenant), json: chargeback)
        #expect(again.status == 200 && again["id"] == first["id"], "the same case entered again is the same dispute")
        var other = chargeback
        other["amount"] = "99.00"
        let conflicting = try await Client.send("POST", Self.path(tenant), json: other)
        #expect(conflicting.status == 409 && conflicting.isProblem)

        let event = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/events/\(try #require(first["event_id"]))")
        #expect(event["source"] == "chargeback" && event["type"] == "chargeback.created")
        let alerts = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/alerts?open=true")
        #expect(alerts.items.count == 1 && alerts.items.first?["subject"] as? String == "dispute:\(first["id"]!)")
        let alertId = try #require(alerts.items.first?["id"] as? String)
        let acknowledged = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/alerts/\(alertId)/acknowledge")
        #expect(acknowledged.status == 200 && acknowledged["acknowledged_by"] != nil)
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/alerts?open=true").items.isEmpty)

        let resolved = try await Client.send("POST", Self.path(tenant, "/\(first["id"]!)/resolve"), json: ["outcome": "won"])
        #expect(resolved.status == 200 && resolved["status"] == "won")
        #expect(try await Client.send("POST", Self.path(tenant, "/\(first["id"]!)/resolve"), json: ["outcome": "lost"]).status == 409)

        // Another tenant, whatever id it sends, sees nothing.
        let stranger = try await Fixtures.tenant()
        let key = try await Fixtures.apiKey(stranger, role: "admin")
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/chargebacks/\(first["id"]!)", auth: .bearer(key.token)).status == 404)
        #expect(try await Client.send("GET", "/v1/tenants/\(stranger)/environments/dev/chargebacks/\(first["id"]!)", auth: .bearer(key.token)).status == 404)
        #expect(try await Client.send("GET", "/v1/tenants/\(stranger)/environments/dev/alerts", auth: .bearer(key.token)).items.isEmpty)
    }

    @Test func badFieldsAreNamedEachOne() async throws {
        let tenant = try await Fixtures.tenant()
        let reply = try await Client.send(
            "POST", Self.path(tenant),
            json: [
                "case_number": "CB 1!", "amount": "-3", "fee": "1.234", "currency": "usd",
                "received_at": "yesterday", "colour": "red",
            ])
        #expect(reply.status == 422 && reply.isProblem)
        let fields = Set((reply.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
        #expect(fields == ["case_number", "customer_id", "amount", "fee", "currency", "reason", "received_at", "colour"], "\(fields)")
    }

    @Test func aCSVIsEnteredWholeOrNotAtAll() async throws {
        let tenant = try await Fixtures.tenant()
        let good =
            "\u{FEFF}case_number,customer_id,amount,fee,reason,received_at,transaction_id\r\n"
            + "CSV-1,acme-1,10.00,15,\"Not received, says the customer\",2026-11-20,1001\r\n"
            + "CSV-2,acme-2,20.50,,Fraud,2026-11-21T10:00:00Z,\r\n"
        let bad = good + "CSV-3,acme-3,lots,0,Fraud,2026-11-21,\r\nCSV-1,acme-1,10.00,15,dup,2026-11-20,\r\n"
        let refused = try await Self.importCSV(tenant, bad)
        #expect(refused.status == 422 && refused.isProblem)
        let fields = (refused.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        #expect(fields == ["line 4.amount", "line 5.case_number"], "\(fields)")
        #expect(try await Client.send("GET", Self.path(tenant)).items.isEmpty, "nothing of a refused file is entered")

        let imported = try await Self.importCSV(tenant, good)
        #expect(imported.status == 201, "\(imported.text)")
        #expect(imported.json["created"] as? Int == 2 && imported.json["already_entered"] as? Int == 0)
        let again = try await Self.importCSV(tenant, good)
        #expect(again.status == 200 && again.json["created"] as? Int == 0 && again.json["already_entered"] as? Int == 2)
        let listed = try await Client.send("GET", Self.path(tenant) + "?limit=1")
        #expect(listed.items.count == 1 && listed.json["next_cursor"] is String, "the list pages")
        let all = try await Client.send("GET", Self.path(tenant)).items
        #expect(all.compactMap { $0["reason"] as? String }.contains("Not received, says the customer"))
        #expect(all.allSatisfy { $0["entered_via"] as? String == "csv" })
        #expect(try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/alerts").items.count == 2)

        #expect(try await Self.importCSV(tenant, "case_number,amount\r\n").status == 422, "required columns missing")
        #expect(try await Self.importCSV(tenant, "case_number,customer_id,amount,reason,received_at\r\n\"CB,1").status == 400)
        let json = try await Client.send("POST", Self.path(tenant, "/import"), json: ["case_number": "x"])
        #expect(json.status == 415 && json.isProblem)
    }
}
