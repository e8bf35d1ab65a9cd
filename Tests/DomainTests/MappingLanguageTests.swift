import Foundation
import Testing
@testable import Domain

@Suite("Mapping language: expressions, conditions, decision tables, errors")
struct MappingLanguageTests {
    static func json(_ text: String) -> JSONValue { try! JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

    static func map(_ mapping: String, _ record: String, steps: [String: JSONValue] = [:]) throws(MappingError) -> JSONValue {
        try MappingDocument(json(mapping)).evaluate(
            MappingInputs(record: json(record), steps: steps) { target, key in target == "zoho_books.contact" && key == "c1" ? "Z-77" : nil })
    }

    @Test func pathsTemplatesEachAndTransformsBuildTheRecord() throws {
        let out = try Self.map(
            """
            {"fields": {
              "name": {"path": "order.customer.name", "then": ["trim", "upper"]},
              "ref": {"template": "Order {order.id} / {{x}}"},
              "first": {"path": "order.customer.name", "then": [{"fn": "split_name", "part": "first"}]},
              "lines": {"each": "order.lines", "where": {"gt": [{"path": "qty"}, 0]}, "fields": {"sku": "sku", "total": {"multiply": ["qty", "price"], "scale": 2}}},
              "count": {"count": "order.lines"},
              "sum": {"sum": "order.lines", "value": {"multiply": ["qty", "price"]}, "then": [{"fn": "money", "currency": "USD"}]},
              "missing": {"path": "order.nothing", "default": "n/a"},
              "contact": {"lookup": "zoho_books.contact", "key": "order.customer.id"},
              "previous": "$steps.contact.id",
              "shipping": {"path": "order.ship_to", "then": ["address"]},
              "kind": {"decide": {"inputs": ["order.channel", "order.total"], "rows": [
                 {"when": ["web", {"gte": 100}], "then": {"const": "web-large"}}, {"when": ["web", "-"], "then": {"const": "web"}}], "else": {"const": "other"}}},
              "priority": {"rules": [{"if": {"and": [{"exists": "order.vip"}, {"not": {"eq": [{"path": "order.vip"}, false]}}]}, "then": {"const": "high"}}], "else": {"const": "normal"}}
            }}
            """,
            """
            {"order": {"id": 7, "channel": "web", "total": "150.00", "vip": true, "customer": {"id": "c1", "name": "  Ada  Lovelace "},
                       "ship_to": {"street": "1 Main", "city": "Spokane", "state": "WA", "zip": "99201"},
                       "lines": [{"sku": "A", "qty": 2, "price": "1.005"}, {"sku": "B", "qty": 0, "price": "3"}, {"sku": "C", "qty": "1", "price": 2.5}]}}
            """, steps: ["contact": .object(["id": .string("Z-1")])])
        #expect(out["name"] == .string("ADA  LOVELACE"))
        #expect(out["ref"] == .string("Order 7 / {x}"))
        #expect(out["first"] == .string("Ada"))
        #expect(out["lines"] == Self.json(#"[{"sku": "A", "total": "2.01"}, {"sku": "C", "total": "2.50"}]"#))
        #expect(out["count"] == .number(3))
        #expect(out["sum"] == .string("4.51"))
        #expect(out["missing"] == .string("n/a"))
        #expect(out["contact"] == .string("Z-77"))
        #expect(out["previous"] == .string("Z-1"))
        #expect(out["shipping"] == .string("1 Main, Spokane, WA 99201"))
        #expect(out["kind"] == .string("web-large"))
        #expect(out["priority"] == .string("high"))
    }

    @Test func statusMapsReferenceIdsAndGLRules() throws {
        let out = try Self.map(
            """
            {"fields": {
              "stage": {"path": "t.status", "then": [{"fn": "status", "map": "paytrace_to_zoho_crm_deal_stage"}]},
              "arstat": {"path": "t.status", "then": [{"fn": "status", "map": "paytrace_to_sage_arstat"}]},
              "invoice": {"path": "t.invoice_id", "then": [{"fn": "reference_id", "kind": "invoice"}]},
              "order": {"path": "t.discretionary_data", "then": [{"fn": "reference_id", "kind": "order"}]},
              "account": {"gl_account": {"transaction_type": "t.type", "category": "t.category", "amount": "t.amount",
                          "rules": [{"category": "tents", "min_amount": "500", "account": "4010"}, {"transaction_type": ["SALE"], "account": "4000"}], "default": "4999"}},
              "split": {"allocate": "t.amount", "ratios": {"const": [1, 1, 1]}, "currency": "USD"},
              "eur": {"path": "t.amount", "then": [{"fn": "convert_currency", "from": "USD", "to": "EUR", "rates": {"EUR/USD": "1.25"}}]}
            }}
            """,
            #"{"t": {"status": "VOIDED", "invoice_id": "Invoice # 0042", "discretionary_data": {"Order Number": "SO-1001"}, "type": "SALE", "category": "tents", "amount": "600.00"}}"#
        )
        #expect(out["stage"] == .string("Closed Lost"))
        #expect(out["arstat"] == .string("V"))
        #expect(out["invoice"] == .string("0042"))
        #expect(out["order"] == .string("1001"))
        #expect(out["account"] == .string("4010"))
        #expect(out["split"] == Self.json(#"["200.00", "200.00", "200.00"]"#))
        #expect(out["eur"] == .string("480.00"))
    }

    @Test(arguments: [
        (#"{"fields": {"total": {"path": "a", "then": [{"fn": "monee"}]}}}"#, "fields.total.then[0].fn", "then"),
        (#"{"fields": {"total": {"path": "a", "then": [{"fn": "money"}]}}}"#, "fields.total.then[0].currency", "money"),
        (#"{"fields": {"x": {"path": "a", "const": 1}}}"#, "fields.x", "expression"),
        (#"{"fields": {"x": "a..b"}}"#, "fields.x", "path"),
        (#"{"fields": {"x": {"each": "a"}}}"#, "fields.x", "each"),
        (#"{"fields": {"x": {"template": "{a"}}}"#, "fields.x.template", "template"),
        (#"{"fields": {"x": {"lookup": "zoho_books.nothing", "key": "a"}}}"#, "fields.x.lookup", "lookup"),
        (#"{"fields": {"x": {"rules": [{"if": {"near": [1, 2]}, "then": 1}]}}}"#, "fields.x.rules[0].if.near", "condition"),
        (
            #"{"fields": {"x": {"path": "a", "then": [{"fn": "date", "from": "paytrace", "to": "zoho_date", "zone": "Mars/Olympus"}]}}}"#,
            "fields.x.then[0].zone", "date"
        ),
        (#"{"fieldz": {}}"#, "fieldz", "document"),
    ])
    func badDocumentsNameTheFieldAndTheRule(_ document: String, _ field: String, _ rule: String) {
        let error = #expect(throws: MappingError.self) { try MappingDocument(Self.json(document)) }
        #expect(error?.field == field)
        #expect(error?.rule == rule)
    }

    @Test func evaluationErrorsNameTheOutputFieldAndTheRule() {
        let error = #expect(throws: MappingError.self) {
            try Self.map(
                #"{"fields": {"lines": {"each": "items", "fields": {"rate": {"path": "price", "then": [{"fn": "money", "currency": "USD"}]}}}}}"#,
                #"{"items": [{"price": "1"}, {"price": "1"}, {"price": "ten"}]}"#)
        }
        #expect(error?.field == "lines[2].rate")
        #expect(error?.rule == "money")
    }

    @Test func hostileMappingsHitALimitInsteadOfHanging() throws {
        let wide = "[" + Array(repeating: #"{"concat": ["a", "a", "a", "a", "a", "a", "a", "a", "a", "a"]}"#, count: 1000).joined(separator: ",") + "]"
        let big = #"{"a": ""# + String(repeating: "x", count: 4000) + #"", "items": ["# + Array(repeating: "1", count: 5000).joined(separator: ",") + "]}"
        let nested = #"{"fields": {"x": {"each": "$.items", "map": {"each": "$.items", "map": {"sum": "$.items", "value": {"const": 1}}}}}}"#
        for mapping in [#"{"fields": {"x": {"concat": \#(wide)}}}"#, nested] {
            let error = #expect(throws: MappingError.self) { try Self.map(mapping, big) }
            #expect(error?.rule == "limits", "\(String(describing: error))")
        }
    }
}
