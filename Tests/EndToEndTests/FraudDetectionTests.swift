import Foundation
import Testing
import ClearlineTesting
import Domain
import Engine
import Persistence

/// Fraud and anomaly detection (issue 18): a month of ordinary PayTrace traffic (10,000
/// transactions of 300 customers, each spending around their own amount, 2% declined, 3% refunds)
/// raises nothing; then a decline spike, a refund spike, a card-testing burst of 50 attempts, a
/// 9,000 USD charge for a customer who usually spends 50, and a duplicate charge are each found,
/// each one alert that says why and names its transactions. The transactions arrive as PayTrace
/// events, as polling records them.
@Suite("Fraud and anomaly detection on PayTrace transactions", .requiresDatabase)
struct FraudDetectionTests {
    static let monthStart = Date(timeIntervalSince1970: 1_793_577_600)  // 2026-11-01 UTC

    static func event(
        _ tenantId: UUID, _ id: Int, _ amount: Decimal, customer: String?, declined: Bool = false, refund: Bool = false, bin: String? = nil, at: Date
    ) -> NewEvent {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "M/d/yyyy h:mm:ss a"
        var transaction: [String: JSONValue] = [
            "transaction_id": .number(Double(id)), "transaction_type": .string(refund ? "REFUND" : "SALE"), "amount": .string("\(amount)"),
            "status": .string(declined ? "DECLINED" : "APPROVED"), "customer_id": .string(customer ?? ""),
            "masked_card_number": .string("************1111"), "created_at": .string(formatter.string(from: at)),
        ]
        if let bin { transaction["card_bin"] = .string(bin) }
        return NewEvent(
            tenantId: tenantId, environment: .dev, source: "paytrace", vendorEventId: "txn:\(id):\(refund ? "REFUND" : "SALE")",
            type: "paytrace.transaction.\(refund ? "refund" : "sale")", endpointId: nil,
            payload: JSONValue.object(["transaction": .object(transaction)]).canonicalText)
    }

    /// The fraud alerts of the tenant once `events` are recorded and all judged by the workers.
    static func judged(_ tenantId: UUID, _ events: [NewEvent]) async throws -> [(subject: String, message: String)] {
        _ = try EventStore.recordMany(TestServer.shared.database, events, firstJob: .eventDispatch, wake: true)
        let pool = TestWorkers.pool(tenant: tenantId, workers: 2)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        #expect(try await Wait.until(60) { try TestWorkers.queueIsEmpty(tenantId) })
        return try fraudAlerts(tenantId)
    }

    static func fraudAlerts(_ tenantId: UUID) throws -> [(subject: String, message: String)] {
        try TestServer.shared.database.transaction(.tenant(tenantId)) { tx in
            try tx.query("SELECT subject, message FROM alerts WHERE tenant_id = $1 AND kind = 'fraud' ORDER BY created_at", [tenantId]).map {
                (try $0.string("subject"), try $0.string("message"))
            }
        }
    }

    @Test func aQuietMonthRaisesNothingAndEachInjectedPatternIsOneAlert() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        var random = SeededRandom(seed: 18)
        // 300 customers, each with an amount of their own; "usual-50" spends about 50 USD.
        let customers = (0..<300).map { index in
            (id: index == 0 ? "usual-50" : "cust-\(index)", usual: index == 0 ? 50 : Int.random(in: 15...400, using: &random))
        }
        var events: [NewEvent] = []
        for id in 1...10_000 {
            let customer = customers[Int.random(in: 0..<customers.count, using: &random)]
            let cents = customer.usual * Int.random(in: 60...170, using: &random) + Int.random(in: 0...99, using: &random)
            let at = Self.monthStart.addingTimeInterval(Double(Int.random(in: 0..<(30 * 86_400), using: &random)))
            // 2% declined; 3% refunds of an earlier sale's size.
            let roll = Int.random(in: 0..<100, using: &random)
            // Each customer's card is of one of 25 BINs, as PayTrace's export with include_bin shows them.
            let bin = String(400_000 + (customer.usual * 7_919) % 25 * 1_111)
            events.append(
                Self.event(tenantId, id, Decimal(cents) / 100, customer: customer.id, declined: roll < 2, refund: roll >= 97, bin: bin, at: at))
        }
        for batch in stride(from: 0, to: events.count, by: 500) {
            _ = try EventStore.recordMany(
                TestServer.shared.database, Array(events[batch..<min(batch + 500, events.count)]), firstJob: .eventDispatch, wake: true)
        }
        let pool = TestWorkers.pool(tenant: tenantId, workers: 4)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        #expect(try await Wait.until(300) { try TestWorkers.queueIsEmpty(tenantId) })
        let quiet = try Self.fraudAlerts(tenantId)
        // Fewer than 1 alert per 1,000 transactions on ordinary traffic (this generator's: none).
        #expect(quiet.count < 10, "false positives: \(quiet.count) in 10,000: \(quiet.map(\.message))")
        print("fraud detection: \(quiet.count) alerts on 10,000 ordinary transactions (false-positive rate \(Double(quiet.count) / 10_000))")

        // The patterns, on the month's last day: a decline spike (30 attempts of ordinary sizes in
        // 10 minutes, 60% declined) and a refund spike (8 refunds in half an hour) first.
        let day = Self.monthStart.addingTimeInterval(30 * 86_400)
        var injected: [NewEvent] = []
        for n in 0..<30 {
            injected.append(
                Self.event(
                    tenantId, 40_000 + n, Decimal(4_000 + n * 37) / 100, customer: "cust-\(10 + n)", declined: n % 5 < 3,
                    at: day.addingTimeInterval(-7_200 + Double(n) * 20)))
        }
        for n in 0..<8 {
            injected.append(
                Self.event(
                    tenantId, 50_000 + n, Decimal(2_500 + n * 11) / 100, customer: "cust-\(50 + n)", refund: true,
                    at: day.addingTimeInterval(-3_600 + Double(n) * 200)))
        }
        for n in 0..<50 {
            injected.append(
                Self.event(
                    tenantId, 20_000 + n, Decimal(100 + n % 200) / 100, customer: nil, declined: n % 5 != 0, at: day.addingTimeInterval(Double(n) * 4.8)))
        }
        injected.append(Self.event(tenantId, 30_000, 9000, customer: "usual-50", at: day.addingTimeInterval(3_600)))
        injected.append(Self.event(tenantId, 30_001, Decimal(string: "84.20")!, customer: "cust-7", at: day.addingTimeInterval(7_200)))
        injected.append(Self.event(tenantId, 30_002, Decimal(string: "84.20")!, customer: "cust-7", at: day.addingTimeInterval(7_320)))
        _ = try EventStore.recordMany(TestServer.shared.database, injected, firstJob: .eventDispatch, wake: true)
        #expect(try await Wait.until(120) { try TestWorkers.queueIsEmpty(tenantId) })

        let found = try Self.fraudAlerts(tenantId).filter { alert in !quiet.contains { $0.subject == alert.subject } }
        let bySubject = Dictionary(found.map { ($0.subject, $0.message) }, uniquingKeysWith: { first, _ in first })
        // One alert each, however many of a pattern's transactions spoke (the card-testing burst
        // also raises the decline rate, which the decline spike's one open alert already holds).
        #expect(bySubject.count == found.count, "one alert per cause: \(found.map(\.subject))")
        #expect(
            Set(found.map(\.subject)) == [
                "decline_spike:environment", "refund_spike:environment", "card_testing:customer:(none)", "unusual_amount:customer:usual-50",
                "duplicate_charge:customer:cust-7:84.20",
            ], "\(found.map(\.subject))")
        let declines = try #require(bySubject["decline_spike:environment"])
        #expect(declines.contains("were declined") && declines.contains("days before"), "\(declines)")
        #expect(try #require(bySubject["refund_spike:environment"]).contains("refunds in the last hour"))
        let testing = try #require(bySubject["card_testing:customer:(none)"], "\(found)")
        // Its evidence: ten or more of the burst's attempts (which ten depends on the order the workers judged them in).
        let burst = testing.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.filter { (20_000..<20_050).contains($0) }
        #expect(testing.contains("declined") && burst.count >= 10, "\(testing)")
        let unusual = try #require(bySubject["unusual_amount:customer:usual-50"], "\(found)")
        #expect(unusual.contains("9000.00") && unusual.contains("30000"), "\(unusual)")
        let duplicate = try #require(bySubject["duplicate_charge:customer:cust-7:84.20"], "\(found)")
        #expect(duplicate.contains("30001") && duplicate.contains("30002"), "\(duplicate)")
        // Replayed (polling reads a transaction again): judged once, nothing new.
        _ = try EventStore.recordMany(TestServer.shared.database, injected, firstJob: .eventDispatch, wake: true)
        #expect(try await Wait.until(60) { try TestWorkers.queueIsEmpty(tenantId) })
        #expect(try Self.fraudAlerts(tenantId).count == quiet.count + 5)
    }

    /// The tenant's thresholds decide what is raised (velocity at 5 charges an hour, duplicates
    /// off), bad settings are refused naming the field, and an incident judged not fraud quiets
    /// its detector for that customer, not for others.
    @Test func tenantThresholdsAndNotFraudVerdictsDecideWhatIsRaised() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let settingsPath = "/v1/tenants/\(tenant)/environments/dev/fraud-settings"
        let defaults = try await Client.send("GET", settingsPath)
        #expect(((defaults.json["detectors"] as? [String: Any])?["velocity"] as? [String: Any])?["per_hour"] as? Int == 12, "\(defaults.text)")
        for (body, field) in [
            (["velocity": ["per_hour": 1]], "velocity.per_hour"), (["card_testing": ["max_amount": "0.00"]], "card_testing.max_amount"),
            (["card_testing": ["max_amount": "1.234"]], "card_testing.max_amount"), (["decline_spike": ["share": 1.5]], "decline_spike.share"),
            (["velocity": ["per_hour": 5, "colour": "red"]], "velocity.colour"), (["phishing": ["enabled": true]], "phishing"),
            (["refund_spike": ["enabled": "yes"]], "refund_spike.enabled"),
        ] as [([String: Any], String)] {
            let refused = try await Client.send("PATCH", settingsPath, json: body)
            #expect(refused.status == 422 && refused.text.contains("\"\(field)\""), "\(body): \(refused.status) \(refused.text)")
        }
        let changed = try await Client.send("PATCH", settingsPath, json: ["velocity": ["per_hour": 5], "duplicate_charge": ["enabled": false]])
        let detectors = changed.json["detectors"] as? [String: Any] ?? [:]
        #expect(changed.status == 200 && (detectors["velocity"] as? [String: Any])?["per_hour"] as? Int == 5, "\(changed.text)")
        #expect((detectors["duplicate_charge"] as? [String: Any])?["enabled"] as? Bool == false && changed["updated_by"] != nil, "\(changed.text)")

        let pool = TestWorkers.pool(tenant: tenantId, workers: 2)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        let now = Date()
        func charges(_ customer: String, from first: Int, count: Int, at start: Date) throws {
            let events = (0..<count).map { n in
                Self.event(tenantId, first + n, Decimal(3_000 + n * 101) / 100, customer: customer, at: start.addingTimeInterval(Double(n) * 300))
            }
            _ = try EventStore.recordMany(TestServer.shared.database, events, firstJob: .eventDispatch, wake: true)
        }
        // Five charges within an hour: velocity speaks; the same amount twice: duplicates are off.
        try charges("fast-1", from: 60_000, count: 5, at: now.addingTimeInterval(-7_200))
        _ = try EventStore.recordMany(
            TestServer.shared.database,
            [
                Self.event(tenantId, 61_000, 42, customer: "twice-1", at: now.addingTimeInterval(-600)),
                Self.event(tenantId, 61_001, 42, customer: "twice-1", at: now.addingTimeInterval(-540)),
            ], firstJob: .eventDispatch, wake: true)
        #expect(try await Wait.until(60) { try TestWorkers.queueIsEmpty(tenantId) })
        let first = try Self.fraudAlerts(tenantId)
        #expect(first.map(\.subject) == ["velocity:customer:fast-1"], "\(first)")
        #expect(first.first?.message.contains("5 times within an hour") == true, "\(first)")

        // Judged not fraud: the next burst of that customer raises nothing; another customer's does.
        let incidents = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/alert-incidents")
        let key = try #require((incidents.json["items"] as? [[String: Any]])?.first { $0["kind"] as? String == "fraud" }?["key"] as? String)
        let judged = try await Client.send(
            "POST", "/v1/tenants/\(tenant)/environments/dev/alert-incidents/\(key)/not-fraud", json: ["quiet_days": 7])
        #expect(judged.status == 200 && judged.json["marked_not_fraud"] as? Int == 1, "\(judged.text)")
        let again = try await Client.send("POST", "/v1/tenants/\(tenant)/environments/dev/alert-incidents/\(key)/not-fraud", json: [:])
        #expect(again.status == 404, "nothing open is left to judge: \(again.text)")
        let closed = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/alerts?open=false")
        #expect((closed.json["items"] as? [[String: Any]])?.first?["resolution"] as? String == "not_fraud", "\(closed.text)")
        try charges("fast-1", from: 62_000, count: 6, at: now.addingTimeInterval(-3_000))
        try charges("fast-2", from: 63_000, count: 5, at: now.addingTimeInterval(-3_000))
        #expect(try await Wait.until(60) { try TestWorkers.queueIsEmpty(tenantId) })
        let after = try Self.fraudAlerts(tenantId)
        #expect(after.map(\.subject) == ["velocity:customer:fast-1", "velocity:customer:fast-2"], "\(after)")
    }

    /// A card tester running through one BIN under made-up customers: twelve small attempts, each
    /// a different customer, ten declined, are one card-testing incident of that BIN; the same
    /// customers' ordinary charges on other BINs raise nothing.
    @Test func aBurstAcrossCustomersOnOneBinIsCardTesting() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let now = Date()
        var events: [NewEvent] = []
        for n in 0..<12 {
            let small = Decimal(100 + n) / 100, ordinary = Decimal(4_000 + n * 17) / 100
            let (first, second) = (now.addingTimeInterval(Double(n) * 20), now.addingTimeInterval(Double(n) * 25))
            let otherBin = "4" + String(format: "%05d", n)
            events.append(Self.event(tenantId, 80_000 + n, small, customer: "made-up-\(n)", declined: n % 6 != 0, bin: "555555", at: first))
            events.append(Self.event(tenantId, 81_000 + n, ordinary, customer: "made-up-\(n)", bin: otherBin, at: second))
        }
        let alerts = try await Self.judged(tenantId, events)
        #expect(alerts.map(\.subject) == ["card_testing:bin:555555"], "\(alerts)")
        #expect(alerts.first?.message.contains("cards of BIN 555555 (any customer)") == true, "\(alerts)")
    }

    /// A first charge of 5,000 USD by a customer never seen before, at a merchant whose charges
    /// stay under a few hundred: unusual for the merchant, one alert; the same customer's next
    /// ordinary charge, nothing.
    @Test func aNewCustomersHugeFirstChargeIsUnusualForTheMerchant() async throws {
        let tenant = try await Fixtures.tenant()
        let tenantId = try #require(UUID(uuidString: tenant))
        let now = Date()
        var events: [NewEvent] = []
        for n in 0..<250 {
            let amount = Decimal(2_000 + (n * 7_919) % 30_000) / 100
            events.append(Self.event(tenantId, 90_000 + n, amount, customer: "regular-\(n % 40)", at: now.addingTimeInterval(-Double(250 - n) * 3_000)))
        }
        events.append(Self.event(tenantId, 91_000, 5_000, customer: "newbie", at: now))
        events.append(Self.event(tenantId, 91_001, Decimal(string: "45.10")!, customer: "newbie-2", at: now.addingTimeInterval(60)))
        let alerts = try await Self.judged(tenantId, events)
        #expect(alerts.map(\.subject) == ["unusual_amount:new_customer:newbie"], "\(alerts)")
        #expect(alerts.first?.message.contains("5000.00 USD") == true && alerts.first?.message.contains("91000") == true, "\(alerts)")
    }
}
