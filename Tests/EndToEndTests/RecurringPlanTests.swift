import Foundation
import Testing
import ClearlineTesting
import Domain
import Engine
import Sandbox

/// Recurring billing (issue 17): a plan's periods are charged on their days (the test drives the
/// clock through the housekeeping's `chargeRecurringPlans(at:)`), each once; a declined period is
/// retried on the retry days and then reported; pause, resume and cancel change what comes next.
@Suite("Recurring plans charged each period, with dunning", .requiresDatabase)
struct RecurringPlanTests {
    static func base(_ tenant: String) -> String { "/v1/tenants/\(tenant)/environments/dev/recurring-plans" }

    static let today: String = Timestamp.dayText(Date())

    /// Midnight UTC of today plus `months` months and `hours` hours.
    static func at(months: Int = 0, days: Double = 0, hours: Double = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let midnight = calendar.startOfDay(for: Date())
        return calendar.date(byAdding: .month, value: months, to: midnight)!.addingTimeInterval(days * 86_400 + hours * 3_600)
    }

    /// The plan's charges: (period, attempt, status), oldest first.
    static func charges(_ tenant: String, _ plan: String) async throws -> [(Int, Int, String)] {
        let reply = try await Client.send("GET", "\(base(tenant))/\(plan)")
        return (reply.json["charges"] as? [[String: Any]] ?? []).reversed().compactMap { charge in
            guard let link = charge["plan"] as? [String: Any], let period = link["period"] as? Int, let attempt = link["attempt"] as? Int,
                let status = charge["status"] as? String
            else { return nil }
            return (period, attempt, status)
        }
    }

    @Test func eachPeriodIsChargedOnceOnItsDayAndMissedPeriodsAreEachCharged() async throws {
        let (sandbox, tenant, tenantId, connection) = try await PaymentRequestTests.ownSandbox()
        defer { sandbox.shutdown() }
        try PaymentRequestTests.vaultCustomer(VendorFixtures.payTraceClient(sandbox, cacheKey: "plan-\(tenant)"), "plan-\(tenant.prefix(8))")
        let created = try await Client.send(
            "POST", Self.base(tenant),
            json: [
                "connection_id": connection, "customer_id": "plan-\(tenant.prefix(8))", "amount": "49.00", "interval": "month", "starts_on": Self.today,
                "description": "Gold membership", "external_reference": "SUB-1",
            ], headers: ["Idempotency-Key": "plan-\(tenant)"])
        try #require(created.status == 201, "\(created.text)")
        #expect(created["status"] == "active" && created.json["next_period"] as? Int == 1)
        let plan = try #require(created["id"])
        let pool = TestWorkers.pool(tenant: tenantId, workers: 2)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        let housekeeping = TestWorkers.housekeeping(tenant: tenantId)

        // Today's period, once however often the housekeeping looks (three processes would look too).
        #expect(try housekeeping.chargeRecurringPlans(at: Self.at(hours: 1)) == 1)
        #expect(try housekeeping.chargeRecurringPlans(at: Self.at(hours: 2)) == 0)
        #expect(try await Wait.until(30) { try TestWorkers.queueIsEmpty(tenantId) })
        #expect(try await Self.charges(tenant, plan).map(\.2) == ["approved"])
        // Not before the next period's day; then once.
        #expect(try housekeeping.chargeRecurringPlans(at: Self.at(months: 1, hours: -1)) == 0)
        #expect(try housekeeping.chargeRecurringPlans(at: Self.at(months: 1, hours: 1)) == 1)
        // Two months with no worker running: each owed period is charged, one request apiece.
        #expect(try housekeeping.chargeRecurringPlans(at: Self.at(months: 3, hours: 1)) == 2)
        #expect(try await Wait.until(30) { try TestWorkers.queueIsEmpty(tenantId) })
        let made = try await Self.charges(tenant, plan)
        #expect(made.map(\.0) == [1, 2, 3, 4] && made.allSatisfy { $0.1 == 1 && $0.2 == "approved" }, "\(made)")
        let shown = try await Client.send("GET", "\(Self.base(tenant))/\(plan)")
        #expect(shown.json["next_period"] as? Int == 5, "\(shown.text)")
        // The caller's retried POST makes no second plan.
        let again = try await Client.send(
            "POST", Self.base(tenant),
            json: [
                "connection_id": connection, "customer_id": "plan-\(tenant.prefix(8))", "amount": "49.00", "interval": "month", "starts_on": Self.today,
                "description": "Gold membership", "external_reference": "SUB-1",
            ], headers: ["Idempotency-Key": "plan-\(tenant)"])
        #expect(again["id"] == plan)

        // Paused: nothing is charged; resumed: from the first period still to come, none made up.
        #expect(try await Client.send("POST", "\(Self.base(tenant))/\(plan)/pause", json: [:])["status"] == "paused")
        #expect(try housekeeping.chargeRecurringPlans(at: Self.at(months: 6, hours: 1)) == 0)
        let resumed = try await Client.send("POST", "\(Self.base(tenant))/\(plan)/resume", json: [:])
        #expect(resumed["status"] == "active" && resumed.json["next_period"] as? Int == 5, "\(resumed.text)")
        #expect(try await Client.send("POST", "\(Self.base(tenant))/\(plan)/cancel", json: [:])["status"] == "cancelled")
        #expect(try housekeeping.chargeRecurringPlans(at: Self.at(months: 12, hours: 1)) == 0)
        #expect(try await Client.send("POST", "\(Self.base(tenant))/\(plan)/resume", json: [:]).status == 409)
        #expect(try await Client.send("POST", "\(Self.base(tenant))/\(plan)/cancel", json: [:]).status == 409)
        // Another tenant sees none of it.
        let other = try await Fixtures.tenant()
        #expect(try await Client.send("GET", "\(Self.base(other))/\(plan)").status == 404)
        #expect(try await Client.send("POST", "\(Self.base(other))/\(plan)/pause", json: [:]).status == 404)
    }

    /// The sandbox declines 112.00: the period is charged again 1, 3 and 7 days after its first
    /// attempt and not between, then the plan is past due and the failure reported once.
    @Test func aDeclinedPeriodIsRetriedOnItsRetryDaysThenThePlanIsPastDue() async throws {
        let (sandbox, tenant, tenantId, connection) = try await PaymentRequestTests.ownSandbox()
        defer { sandbox.shutdown() }
        try PaymentRequestTests.vaultCustomer(VendorFixtures.payTraceClient(sandbox, cacheKey: "dunplan-\(tenant)"), "dunplan-\(tenant.prefix(8))")
        let created = try await Client.send(
            "POST", Self.base(tenant),
            json: ["connection_id": connection, "customer_id": "dunplan-\(tenant.prefix(8))", "amount": "112.00", "interval": "week", "starts_on": Self.today])
        let plan = try #require(created["id"], "\(created.text)")
        // The shop hears of the failure through the template that tells it.
        let shop = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/environments/dev/connections",
            json: [
                "kind": "shop", "name": "Storefront", "settings": ["webhook_url": sandbox.baseURL + "/shop/hooks"],
                "secrets": ["signing_secret": "shop-secret-\(tenant.prefix(8))"],
            ])
        #expect(shop.status == 201, "\(shop.text)")
        try await FlowFixtures.deployTemplate(tenant, "recurring-payment-failed-to-shop")
        let pool = TestWorkers.pool(tenant: tenantId, workers: 2)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        let housekeeping = TestWorkers.housekeeping(tenant: tenantId)
        for (days, expected) in [(0.01, [1]), (0.5, [1]), (1.0, [1, 2]), (2.9, [1, 2]), (3.0, [1, 2, 3]), (6.9, [1, 2, 3])] {
            _ = try housekeeping.chargeRecurringPlans(at: Self.at(days: days))
            #expect(try await Wait.until(30) { try TestWorkers.queueIsEmpty(tenantId) })
            let made = try await Self.charges(tenant, plan).filter { $0.0 == 1 }
            #expect(made.map(\.1) == expected && made.allSatisfy { $0.2 == "declined" }, "day \(days): \(made)")
        }
        // Day 7 is also the second period's day: its first attempt, and period 1's last retry.
        _ = try housekeeping.chargeRecurringPlans(at: Self.at(days: 7.01))
        #expect(try await Wait.until(30) { try TestWorkers.queueIsEmpty(tenantId) })
        _ = try housekeeping.chargeRecurringPlans(at: Self.at(days: 7.5))
        _ = try housekeeping.chargeRecurringPlans(at: Self.at(days: 7.6))
        #expect(try await Wait.until(30) { try TestWorkers.queueIsEmpty(tenantId) })
        let first = try await Self.charges(tenant, plan).filter { $0.0 == 1 }
        #expect(first.map(\.1) == [1, 2, 3, 4], "\(first)")
        let shown = try await Client.send("GET", "\(Self.base(tenant))/\(plan)")
        #expect(shown["status"] == "past_due", "\(shown.text)")
        let (events, alerts) = try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            (
                try tx.query("SELECT payload::text AS p FROM events WHERE tenant_id = $1 AND type = 'recurring_plan.payment_failed'", [tenantId])
                    .map { try $0.string("p") },
                try tx.one("SELECT count(*) AS n FROM alerts WHERE tenant_id = $1 AND kind = 'recurring_plan'", [tenantId])!.int("n")
            )
        }
        let failed = events.compactMap { JSONValue(parsing: $0)?.object?["recurring_plan"]?.object }
        #expect(failed.count == 1 && failed.first?["period"] == .number(1) && failed.first?["attempts"] == .number(4), "\(events)")
        #expect(alerts == 1)
        let deliveries = try await Client.send("GET", "/_sandbox/shop/deliveries", auth: .none, server: sandbox.baseURL)
        let told = (deliveries.json["deliveries"] as? [[String: Any]] ?? []).filter {
            $0["event_type"] as? String == "payment.updated"
        }
        #expect(told.count == 1, "the shop is told once: \(told)")
        let body = (told.first?["body"] as? String) ?? ""
        #expect(body.contains("\"status\":\"payment_failed\"") && body.contains("\"attempts\":4") && body.contains("\"amount\":\"112.00\""), "\(body)")
    }

    /// Every field is judged before anything is stored; each problem names its field.
    @Test func badInputIsRefusedNamingTheField() async throws {
        let tenant = try await Fixtures.tenant()
        let connection = try await VendorFixtures.payTrace(tenant)
        let good: [String: Any] = ["connection_id": connection, "customer_id": "c-1", "amount": "10.00", "interval": "month", "starts_on": "2027-01-31"]
        let cases: [(String, Any, String)] = [
            ("interval", "year", "interval"), ("interval_count", 0, "interval_count"), ("starts_on", "2027-02-30", "starts_on"),
            ("starts_on", "0000-01-01", "starts_on"),
            ("ends_on", "2026-12-31", "ends_on"), ("amount", "0", "amount"), ("amount", "10.001", "amount"), ("currency", "EUR", "currency"),
            ("description", "card 4111 1111 1111 1111", "description"), ("retry_days", [3, 1], "retry_days"), ("time_zone", "Mars/Olympus", "time_zone"),
            ("connection_id", UUID().uuidString, "connection_id"),
        ]
        for (field, value, named) in cases {
            var body = good
            body[field] = value
            let reply = try await Client.send("POST", Self.base(tenant), json: body)
            #expect(reply.status == 422 && reply.text.contains("\"\(named)\""), "\(field)=\(value): \(reply.status) \(reply.text)")
        }
        let listed = try await Client.send("GET", "\(Self.base(tenant))?limit=10")
        #expect(listed.items.isEmpty, "nothing stored")
        #expect(try await Client.send("POST", Self.base(tenant), json: good).status == 201)
    }
}
