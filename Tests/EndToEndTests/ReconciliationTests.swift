import Foundation
import Testing
import ClearlineTesting
import Connectors
import Engine
import Persistence
import Sandbox

/// Sales that order-to-cash wrote to Zoho Books, settled in a PayTrace batch, reconcile: every
/// line matched. Spoiled by hand (a payment deleted, one changed, a manual payment added), the
/// next reconciliation finds each with its category, and nothing else, and raises one alert.
@Suite("Reconciliation of a settlement against Zoho Books", .requiresDatabase)
struct ReconciliationTests {
    @Test func aBatchReconcilesAndEachSpoilIsFoundWithItsCategory() async throws {
        let sandbox = SandboxServer(port: 0, logger: TestServer.quietLogger)
        try sandbox.startAsAllowedVendor()
        defer { sandbox.shutdown() }
        let tenantText = try await Fixtures.tenant()
        let tenant = try #require(UUID(uuidString: tenantText))
        let base = "/v1/tenants/\(tenantText)/environments/dev"
        let session = try await VendorFixtures.connectedZoho(tenantText, sandbox: sandbox)
        try await FlowFixtures.deployTemplate(tenantText)
        let connectionId = try await VendorFixtures.payTrace(tenantText, sandbox: sandbox)
        let client = VendorFixtures.payTraceClient(sandbox, cacheKey: "reconcile-\(tenantText)")
        let hook = try await Hooks.endpoint(tenantText, source: "paytrace")
        let now = Date()
        let created = SettlementRecorderDates.payTraceTime(now)
        let marker = "\(Int.random(in: 10...99))\(UUID().uuidString.prefix(6))"
        var sales: [(id: Int, amount: String)] = []
        for (index, amount) in ["108.25", "20.00", "35.10", "12.34"].enumerated() {
            let id = try #require(
                try client.call(
                    "v1/transactions/sale/keyed",
                    ["amount": amount, "credit_card": ["number": "4012000098765439", "expiration_month": 12, "expiration_year": 2031]]
                ).transactionId)
            sales.append((id, amount))
            let body =
                #"{"transaction": {"transaction_id": \#(id), "transaction_type": "SALE", "amount": "\#(amount)", "status": "PENDING_SETTLEMENT", "#
                + #""created_at": "\#(created)", "customer_id": "cust-\#(marker)-\#(index)", "invoice_id": "INV-\#(marker)-\#(index)", "#
                + #""billing_address": {"name": "Reconciled \#(marker) \#(index)"}}}"#
            let reply = try await Hooks.deliver(hook, body, eventId: "rec-\(marker)-\(index)", headers: ["Clearline-Event-Type": "paytrace.transaction.sale"])
            #expect(reply.status == 202, "\(reply.text)")
        }
        let pool = TestWorkers.pool(tenant: tenant)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        func runsDone() throws -> Bool {
            try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
                try tx.query("SELECT status FROM runs WHERE tenant_id = $1", [tenant]).map { try $0.string("status") }
            }.filter { $0 == "succeeded" }.count == sales.count
        }
        #expect(try await Wait.until(60) { try runsDone() })

        // 2.9% + 0.30 a sale: 3.44, 0.88, 1.32 and 0.66.
        let schedule = try await Client.send(
            "PUT", base + "/connections/\(connectionId)/fee-schedule",
            json: ["rules": [["card_brand": NSNull(), "transaction_type": "SALE", "percent": "2.9", "fixed": "0.30", "effective_from": "2026-01-01"]]])
        #expect(schedule.status == 200, "\(schedule.text)")
        // The batch settles; a backfill keeps it as a settlement.
        _ = try client.call("v1/transactions/settle", [:])
        let today = ISO8601DateFormatter.string(from: now, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        #expect(try await Client.send("POST", base + "/settlements/backfill", json: ["connection_id": connectionId, "from": today, "to": today]).status == 202)
        #expect(try await Wait.until(30) { (try await Client.send("GET", base + "/settlements")).items.count == 1 })
        let settlementId = try #require((try await Client.send("GET", base + "/settlements")).items.first?["id"] as? String)

        func reconcile() async throws -> [String: Any] {
            let started = try await Client.send("POST", base + "/reconciliations", json: ["settlement_id": settlementId])
            #expect(started.status == 202 && started["status"] == "running", "\(started.text)")
            let id = try #require(started["id"])
            var result: [String: Any] = [:]
            #expect(
                try await Wait.until(30) {
                    result = (try await Client.send("GET", base + "/reconciliations/\(id)")).json
                    return result["status"] as? String != "running"
                })
            return result
        }
        // A new settlement is reconciled at once, as the environment has Zoho Books.
        #expect(
            try await Wait.until(30) {
                let automatic = (try await Client.send("GET", base + "/reconciliations?settlement_id=\(settlementId)")).items
                return automatic.count == 1 && automatic.first?["status"] as? String == "balanced"
            })
        let first = try await reconcile()
        #expect(first["status"] as? String == "balanced" && first["matched"] as? Int == 4 && first["differences"] as? Int == 0, "\(first)")

        // Posting: the deposit and the fees leave clearing; posted twice, nothing twice.
        let books = ZohoBooksClient(session: session, organizationId: "20071234")
        func post(expecting kinds: Int) async throws -> [[String: Any]] {
            #expect(try await Client.send("POST", base + "/settlements/\(settlementId)/post").status == 202)
            var postings: [[String: Any]] = []
            #expect(
                try await Wait.until(30) {
                    postings = (try await Client.send("GET", base + "/settlements/\(settlementId)")).json["postings"] as? [[String: Any]] ?? []
                    let idle = try TestServer.shared.database.transaction(.tenant(tenant)) { tx in
                        try tx.one("SELECT count(*) AS n FROM jobs WHERE tenant_id = $1", [tenant])!.int("n") == 0
                    }
                    return postings.count == kinds && idle
                })
            return postings
        }
        let posted = try await post(expecting: 2)
        #expect(Set(posted.map { "\($0["kind"] ?? "") \($0["amount"] ?? "")" }) == ["deposit 169.39", "fees 6.30"], "\(posted)")
        func clearing() throws -> Decimal {
            let paid = try sales.reduce(Decimal(0)) { sum, sale in
                sum + (try books.customerPayments(referenceNumber: "PT-\(sale.id)").reduce(Decimal(0)) { $0 + Decimal(string: "\($1["amount"] ?? 0)")! })
            }
            let moved = try books.all("journals", key: "journals", query: ["reference_number_startswith": "PT-BATCH-"]).flatMap {
                $0["line_items"] as? [[String: Any]] ?? []
            }.filter { $0["account_name"] as? String == "Undeposited Funds" }.reduce(Decimal(0)) { sum, line in
                sum + Decimal(string: "\(line["amount"] ?? 0)")! * (line["debit_or_credit"] as? String == "credit" ? 1 : -1)
            }
            return paid - moved
        }
        #expect(try clearing() == 0, "clearing holds nothing for the batch")
        #expect(try await post(expecting: 2).count == 2)
        #expect(try books.all("journals", key: "journals", query: ["reference_number_startswith": "PT-BATCH-"]).count == 2)
        // The statement says 6.50: posting again adds a true-up of 0.20 from the bank to fees.
        let batch = try #require((try await Client.send("GET", base + "/settlements")).items.first?["batch_number"] as? Int)
        let statement = try await Client.send(
            "POST", base + "/settlements/statements?connection_id=\(connectionId)",
            body: Data("date,batch,gross,fees,net\n\(today),\(batch),175.69,6.50,169.19\n".utf8), headers: ["Content-Type": "text/csv"])
        #expect(statement.status == 200, "\(statement.text)")
        let trued = try await post(expecting: 3)
        #expect(trued.contains { $0["kind"] as? String == "fee_true_up" && $0["amount"] as? String == "0.20" })
        #expect(try clearing() == 0)

        // Spoil Books as people do: delete a payment, change one, add a manual one.
        let deleted = try #require(try books.customerPayments(referenceNumber: "PT-\(sales[1].id)").first?["payment_id"] as? String)
        _ = try books.call("DELETE", "customerpayments/\(deleted)")
        let changed = try #require(try books.customerPayments(referenceNumber: "PT-\(sales[2].id)").first)
        _ = try books.call("PUT", "customerpayments/\(try #require(changed["payment_id"] as? String))", body: ["amount": "36.10"])
        _ = try books.createCustomerPayment([
            "customer_id": try #require(changed["customer_id"] as? String), "amount": "35.10", "payment_mode": "cash", "date": today,
        ])
        let second = try await reconcile()
        #expect(second["status"] as? String == "drift" && second["matched"] as? Int == 2 && second["differences"] as? Int == 3, "\(second)")
        let findings = (second["findings"] as? [[String: Any]] ?? []).filter { $0["category"] as? String != "matched" }
        #expect(findings.contains { $0["category"] as? String == "missing" && $0["transaction_id"] as? String == String(sales[1].id) })
        #expect(
            findings.contains {
                $0["category"] as? String == "amount_differs" && $0["paytrace_amount"] as? String == "35.10" && $0["ledger_amount"] as? String == "36.10"
            })
        #expect(findings.contains { $0["category"] as? String == "unexplained" && $0["ledger_amount"] as? String == "35.10" })
        let alerts = try await Client.send("GET", base + "/alerts?open=true")
        #expect(alerts.items.filter { $0["kind"] as? String == "reconciliation_drift" }.count == 1)
        let secondId = try #require(second["id"] as? String)
        let filtered = try await Client.send("GET", base + "/reconciliations/\(secondId)?category=missing")
        #expect((filtered.json["findings"] as? [[String: Any]])?.count == 1)
        // A person explains the missing payment; it stays on record and no longer counts as open.
        let missing = try #require((filtered.json["findings"] as? [[String: Any]])?.first?["position"] as? Int)
        let explained = try await Client.send(
            "POST", base + "/reconciliations/\(secondId)/findings/\(missing)/explain", json: ["note": "Refunded by cheque outside PayTrace; see ticket 42."])
        #expect(explained.status == 200 && explained["explained_by"] != nil, "\(explained.text)")
        let matchedPosition = try #require((second["findings"] as? [[String: Any]])?.first { $0["category"] as? String == "matched" }?["position"] as? Int)
        #expect(try await Client.send("POST", base + "/reconciliations/\(secondId)/findings/\(matchedPosition)/explain", json: ["note": "x"]).status == 404)
        let after = try await Client.send("GET", base + "/reconciliations/\(secondId)")
        #expect(after["status"] == "drift" && after.json["differences"] as? Int == 3 && after.json["open_differences"] as? Int == 2)
        // Posted again: the flow step that wrote the payment writes it once more, and the next
        // reconciliation finds it; a manual payment no transaction explains is not Clearline's to undo.
        let manual = try #require((second["findings"] as? [[String: Any]])?.first { $0["category"] as? String == "unexplained" })
        #expect(manual["repair"] == nil)
        #expect(try await Client.send("POST", base + "/reconciliations/\(secondId)/findings/\(try #require(manual["position"] as? Int))/repair").status == 409)
        let repair = try await Client.send("POST", base + "/reconciliations/\(secondId)/findings/\(missing)/repair")
        #expect(repair.status == 202, "\(repair.text)")
        #expect(try await Wait.until(30) { try books.customerPayments(referenceNumber: "PT-\(sales[1].id)").count == 1 })
        let third = try await reconcile()
        #expect(third["differences"] as? Int == 2 && third["matched"] as? Int == 3, "\(third)")
        #expect(!(third["findings"] as? [[String: Any]] ?? []).contains { $0["category"] as? String == "missing" })
        // The working papers: the findings as CSV.
        let csv = try await Client.send("GET", base + "/reconciliations/\(secondId)/findings.csv")
        #expect(csv.status == 200 && csv.header("content-type")?.hasPrefix("text/csv") == true)
        let rows = csv.text.split(separator: "\r\n")
        #expect(rows.first == "position,system,category,transaction_id,paytrace_amount,ledger_id,ledger_amount,note,explanation,explained_by")
        #expect(rows.count == 1 + (second["findings"] as? [[String: Any]] ?? []).count && csv.text.contains("Refunded by cheque outside PayTrace"))
    }
}

/// PayTrace's time text, as the webhook of a sale made now carries it.
enum SettlementRecorderDates {
    static func payTraceTime(_ date: Date) -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "M/d/yyyy h:mm:ss a"
        return format.string(from: date)
    }
}
