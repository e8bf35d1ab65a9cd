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

/// A recurring payment that failed for good (declined on every retry day) is told to the shop,
/// which can ask the customer for another card or hold the subscription.
extension FlowTemplates {
    static let paymentFailedToShop = FlowTemplate(
        id: "recurring-payment-failed-to-shop", name: "Failed recurring payment to the shop",
        description:
            "When a recurring plan's period is declined on its last retry day (the plan is then past due), the shop is told by a signed webhook (payment.updated, status payment_failed), once per period.",
        json: #"""
            {"trigger": {"source": "recurring_plan", "event_types": ["recurring_plan.payment_failed"]},
             "steps": [
              {"id": "tell", "target": "shop.payment", "key": {"template": "plan:{recurring_plan.id}:{recurring_plan.period}:failed"}, "mapping": {"fields": {
                 "reference": {"coalesce": ["recurring_plan.external_reference", "recurring_plan.id"]}, "status": "recurring_plan.status",
                 "customer_id": "recurring_plan.customer_id", "amount": {"path": "recurring_plan.amount", "then": [{"fn": "money", "currency": "USD"}]},
                 "currency": "recurring_plan.currency", "period": "recurring_plan.period", "attempts": "recurring_plan.attempts",
                 "message": {"template": "Period {recurring_plan.period} was declined {recurring_plan.attempts} times; ask the customer for another card."}}}}
             ],
             "error_policy": {"max_attempts": 10},
             "fixtures": [{"name": "a monthly plan's third period, declined three times",
                           "input": {"recurring_plan": {"id": "5f0c2a4e-0000-4000-8000-000000000001", "customer_id": "acme-1", "amount": "49.00", "currency": "USD",
                                                        "period": 3, "attempts": 3, "status": "payment_failed", "external_reference": "SUB-1042"}},
                           "expected": {"tell": {"reference": "SUB-1042", "status": "payment_failed", "customer_id": "acme-1", "amount": "49.00", "currency": "USD",
                                                 "period": 3, "attempts": 3, "message": "Period 3 was declined 3 times; ask the customer for another card."}}}]}
            """#)
}
