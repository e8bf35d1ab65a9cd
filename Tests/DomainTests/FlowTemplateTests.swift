import Foundation
import Testing
@testable import Domain

/// Golden tests: every built-in template against sample PayTrace payloads. The fixtures inside
/// each template are the golden records; a template whose output drifts fails here first.
@Suite("Built-in flow templates")
struct FlowTemplateTests {
    @Test(arguments: FlowTemplates.all.map(\.id))
    func everyTemplateParsesAndPassesItsGoldenFixtures(_ id: String) throws {
        let template = try #require(FlowTemplate.named(id))
        let flow = try FlowDefinition(template.definition)
        #expect(!flow.fixtures.isEmpty)
        for result in flow.runFixtures() {
            #expect(result.passed, "\(id) / \(result.name): \(result.differences)")
        }
    }

    @Test func orderToCashWritesValidZohoRecordsForASettledSaleWithLineItems() throws {
        let flow = try FlowDefinition(try #require(FlowTemplate.named("paytrace-zoho-order-to-cash")).definition)
        let sale: JSONValue = .object([
            "transaction": .object([
                "transaction_id": .number(2001), "transaction_type": .string("SALE"), "amount": .number(59.97), "status": .string("SETTLED"),
                "created_at": .string("1/2/2026 12:05:09 AM"), "customer_id": .string("C-9"), "customer_reference_id": .string("PO 5512"),
                "line_items": .array([
                    .object(["description": .string("Tent stakes"), "unit_cost": .string("9.99"), "quantity": .number(3)]),
                    .object(["product_id": .string("TARP-1"), "unit_cost": .number(30)]),
                ]),
            ])
        ])
        let steps = flow.preview(sale)
        // No receipt e-mail: no CRM contact to match, so that step is skipped.
        #expect(steps.map(\.outcome) == [.write, .write, .write, .write, .skipped, .write], "\(steps)")
        let order = try #require(steps[1].record)
        #expect(order["reference_number"] == .string("5512"))
        #expect(order["date"] == .string("2026-01-02"))
        #expect(order["line_items"]?.array?.count == 2)
        #expect(order["line_items"]?.array?[1]["quantity"] == .number(1))
        #expect(steps[0].record?["contact_name"] == .string("PayTrace customer C-9"))
        #expect(steps[0].record?["custom_fields"]?.array?.first?["value"] == .string("C-9"), "the PayTrace customer vault id")
    }

    @Test func aDeclinedSaleStartsOnlyTheDeclinesTemplate() throws {
        let declined: JSONValue = .object(["transaction": .object(["transaction_id": .number(9), "status": .string("DECLINED"), "amount": .string("5")])])
        let started = try FlowTemplates.all.filter {
            try FlowDefinition($0.definition).matches(source: "paytrace", type: "paytrace.transaction.sale", payload: declined)
        }
        #expect(started.map(\.id) == ["paytrace-zoho-crm-declines"])
    }
}
