import Foundation
import Testing
import ClearlineTesting
import Connectors
import Domain
import Engine
import Sandbox

/// A flow writes to PayTrace (issue 17): the shop's order.placed webhook, through the
/// shop-order-to-paytrace-charge template, charges the customer's card on file once per order,
/// though the shop sends the order twice and PayTrace loses answers.
@Suite("Shop orders charged into PayTrace by a flow", .requiresDatabase)
struct ShopOrderChargeTests {
    @Test func eachOrderIsChargedOnceThroughTheFlow() async throws {
        let (sandbox, tenant, tenantId, _) = try await PaymentRequestTests.ownSandbox()
        defer { sandbox.shutdown() }
        let client = VendorFixtures.payTraceClient(sandbox, cacheKey: "shop-charge-\(tenant)")
        let customer = "shop-\(tenant.prefix(8))"
        try PaymentRequestTests.vaultCustomer(client, customer)
        try await FlowFixtures.deployTemplate(tenant, "shop-order-to-paytrace-charge")
        let hook = try await Hooks.endpoint(tenant, source: "shop")
        sandbox.faults.setChaos([.init(.dropAfterCommit, probability: 0.3, writesOnly: true)], service: "paytrace")
        let pool = TestWorkers.pool(tenant: tenantId, workers: 4, handlers: [.paymentCharge: PaymentChargeHandler(settleSeconds: 0.3)])
        pool.start()
        defer { pool.shutdown(grace: 5) }

        let orders = (1...12).map { "ORD-\(tenant.prefix(6))-\($0)" }
        for (index, order) in orders.enumerated() {
            let body = #"{"type": "order.placed", "order": {"id": "\#(order)", "paytrace_customer_id": "\#(customer)", "total": "\#(20 + index).5"}}"#
            // The shop sends each order twice, under two delivery ids (a retry of its own).
            for attempt in 0..<2 {
                let reply = try await Hooks.deliver(hook, body, eventId: "order-\(order)-\(attempt)")
                #expect(reply.status == 202, "\(reply.text)")
            }
        }
        // An order with no customer in the vault takes no charge: the trigger's condition holds it back.
        #expect(try await Hooks.deliver(hook, #"{"type": "order.placed", "order": {"id": "NO-VAULT", "total": "9.99"}}"#).status == 202)
        #expect(try await Wait.until(120) { try TestWorkers.queueIsEmpty(tenantId) })
        sandbox.faults.setChaos([], service: "paytrace")

        let listed = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/payment-requests?limit=100")
        let items = listed.items
        #expect(Set(items.compactMap { $0["external_reference"] as? String }) == Set(orders), "\(items.count) requests")
        #expect(items.count == orders.count && items.allSatisfy { $0["status"] as? String == "approved" }, "\(items.map { $0["status"] ?? "" })")
        for item in items {
            let reference = try #require(item["reference"] as? String)
            #expect(try PaymentRequestTests.sales(client, reference: reference).count == 1, "\(reference)")
        }
        let amounts = Set(items.compactMap { $0["amount"] as? String })
        #expect(amounts.contains("20.50") && amounts.contains("31.50"), "\(amounts)")
    }

    /// A mapping that makes a charge PayTrace would not take stops its run with why.
    @Test func anOrderWithABadAmountFailsItsRunNamingTheField() async throws {
        let (sandbox, tenant, tenantId, _) = try await PaymentRequestTests.ownSandbox()
        defer { sandbox.shutdown() }
        try await FlowFixtures.deployTemplate(tenant, "shop-order-to-paytrace-charge")
        let hook = try await Hooks.endpoint(tenant, source: "shop")
        let pool = TestWorkers.pool(tenant: tenantId, workers: 2)
        pool.start()
        defer { pool.shutdown(grace: 5) }
        #expect(try await Hooks.deliver(hook, #"{"type": "order.placed", "order": {"id": "NEG-1", "paytrace_customer_id": "x", "total": "-5"}}"#).status == 202)
        #expect(try await Wait.until(60) { try TestWorkers.queueIsEmpty(tenantId) })
        let runs = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/runs?limit=10")
        #expect(runs.items.first?["status"] as? String == "failed", "\(runs.text)")
        #expect(runs.text.contains("amount"), "\(runs.text)")
        let requests = try await Client.send("GET", "/v1/tenants/\(tenant)/environments/dev/payment-requests")
        #expect(requests.items.isEmpty)
    }
}
