/// Charges into PayTrace from the shop: an order placed by a customer with a card on file in
/// PayTrace's vault is charged once, however often the shop's webhook arrives.
extension FlowTemplates {
    static let shopOrderCharge = FlowTemplate(
        id: "shop-order-to-paytrace-charge", name: "Shop order to a PayTrace charge",
        description:
            "When the shop places an order for a customer whose card is on file in PayTrace's vault (its webhook, order.placed), Clearline charges that card once, searching PayTrace before any retry.",
        json: #"""
            {"trigger": {"source": "shop", "event_types": ["order.placed"],
                         "condition": {"and": [{"exists": "order.paytrace_customer_id"}, {"exists": "order.total"}]}},
             "steps": [
              {"id": "charge", "target": "paytrace.sale", "key": {"template": "shop-order:{order.id}:charge"}, "mapping": {"fields": {
                 "customer_id": "order.paytrace_customer_id", "amount": {"path": "order.total", "then": [{"fn": "money", "currency": "USD"}]},
                 "external_reference": "order.id", "description": {"template": "Shop order {order.id}"}}}}
             ],
             "error_policy": {"max_attempts": 10},
             "fixtures": [{"name": "an order of a customer with a card on file",
                           "input": {"order": {"id": "1042", "paytrace_customer_id": "acme-1", "total": "129.9"}},
                           "expected": {"charge": {"customer_id": "acme-1", "amount": "129.90", "external_reference": "1042", "description": "Shop order 1042"}}}]}
            """#)
}
