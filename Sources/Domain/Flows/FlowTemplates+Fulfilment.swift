/// Fulfilment back to the shop: Zoho Inventory's sales order updates (its webhook) become a
/// signed webhook to the merchant's shop, once per status an order reaches.
extension FlowTemplates {
    static let fulfilmentToShop = FlowTemplate(
        id: "zoho-fulfilment-to-shop", name: "Zoho Inventory fulfilment to the shop",
        description:
            "When Zoho Inventory ships or fulfils a sales order (its webhook), the shop is told by a signed webhook, once per status, retried until it answers.",
        json: #"""
            {"trigger": {"source": "zoho_inventory", "event_types": ["salesorder.updated"],
                         "condition": {"and": [{"in": [{"path": "salesorder.shipped_status"}, ["shipped", "fulfilled"]]}, {"exists": "salesorder.reference_number"}]}},
             "steps": [
              {"id": "fulfilment", "target": "shop.fulfilment", "key": {"template": "fulfilment:{salesorder.salesorder_id}:{salesorder.shipped_status}"}, "mapping": {"fields": {
                 "order_id": "salesorder.reference_number", "status": "salesorder.shipped_status", "salesorder_number": "salesorder.salesorder_number",
                 "packages": {"each": "salesorder.packages", "fields": {"package_number": "package_number", "status": "status"}}}}}
             ],
             "error_policy": {"max_attempts": 10},
             "fixtures": [{"name": "an order shipped in one package",
                           "input": {"salesorder": {"salesorder_id": "460000000001234", "salesorder_number": "SO-00042", "reference_number": "1042", "status": "confirmed",
                                                    "shipped_status": "shipped", "packages": [{"package_id": "9", "package_number": "PKG-00001", "status": "shipped"}]}},
                           "expected": {"fulfilment": {"order_id": "1042", "status": "shipped", "salesorder_number": "SO-00042",
                                                       "packages": [{"package_number": "PKG-00001", "status": "shipped"}]}}}]}
            """#)
}
