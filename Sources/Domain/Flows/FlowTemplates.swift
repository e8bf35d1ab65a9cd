import Foundation

/// The built-in templates. PayTrace events carry the export record under `transaction` (see the
/// poller and the Silent Post intake); times are PayTrace's `M/D/YYYY h:mm:ss AM` in the
/// merchant's zone, here UTC as the sandbox speaks it.
public enum FlowTemplates {
    public static let all: [FlowTemplate] = [
        orderToCash, orderToERP, refunds, voids, declines, chargebacks, fulfilmentToShop, sageAdjustments, sageChargebacks, shopOrderCharge,
        paymentFailedToShop,
    ]

    static let reference =
        #"{"coalesce": [{"path": "transaction.customer_reference_id", "then": [{"fn": "reference_id", "kind": "order"}]}, {"path": "transaction.invoice_id", "then": [{"fn": "reference_id", "kind": "invoice"}]}, {"template": "PT-{transaction.transaction_id}"}]}"#
    static let date = #"{"path": "transaction.created_at", "then": [{"fn": "date", "from": "paytrace", "to": "zoho_date", "zone": "UTC"}]}"#
    /// PayTrace settles in US dollars; Clearline gives Books the rate when its base currency differs.
    static let currency = #"{"const": "USD"}"#
    static let amount = #"{"path": "transaction.amount", "then": [{"fn": "money", "currency": "USD"}]}"#
    static let zohoLines =
        #"{"rules": [{"if": {"exists": "transaction.line_items"}, "then": {"each": "transaction.line_items", "fields": {"name": {"coalesce": ["description", "product_id"], "then": [{"fn": "truncate", "length": 100}]}, "rate": {"path": "unit_cost", "then": [{"fn": "money", "currency": "USD"}]}, "quantity": {"path": "quantity", "default": 1}}}}], "else": {"list": [{"object": {"name": {"coalesce": ["transaction.description", {"const": "PayTrace sale"}]}, "rate": \#(amount), "quantity": 1}}]}}"#
    static let saleInput =
        #"{"transaction": {"transaction_id": 1001, "transaction_type": "SALE", "amount": "108.25", "status": "SETTLED", "masked_card_number": "************1111", "created_at": "11/21/2026 4:06:30 PM", "invoice_id": "Invoice # 0042", "customer_id": "acme-1", "receipt_emailed_to": "ap@acme.example", "billing_address": {"name": "Acme Outdoor", "street": "1 Main St", "city": "Spokane", "state": "WA", "zip": "99201", "country": "US"}}}"#

    static let orderToCash = FlowTemplate(
        id: "paytrace-zoho-order-to-cash", name: "PayTrace to Zoho: order to cash",
        description:
            "An approved PayTrace sale becomes a Zoho Books contact (with the PayTrace customer vault id), sales order, invoice and payment; the Zoho CRM contact shows the order and its payment, and the deal is won.",
        json: #"""
            {"trigger": {"source": "paytrace", "event_types": ["paytrace.transaction.sale", "paytrace.transaction.capture"],
                         "condition": {"not": {"eq": [{"path": "transaction.status"}, "DECLINED"]}}},
             "steps": [
              {"id": "contact", "target": "zoho_books.contact", "key": {"coalesce": [{"template": "customer:{transaction.customer_id}"}, {"template": "card:{transaction.masked_card_number}"}]}, "mapping": {"fields": {
                 "contact_name": {"coalesce": ["transaction.billing_address.name", {"template": "PayTrace customer {transaction.customer_id}"}, {"template": "PayTrace card {transaction.masked_card_number}"}]},
                 "email": "transaction.receipt_emailed_to",
                 "billing_address": {"object": {"attention": "transaction.billing_address.name", "address": "transaction.billing_address.street", "street2": "transaction.billing_address.street2",
                                                "city": "transaction.billing_address.city", "state": "transaction.billing_address.state", "zip": "transaction.billing_address.zip", "country": "transaction.billing_address.country"}},
                 "notes": {"const": "Created by Clearline from PayTrace"}, "currency_code": \#(currency),
                 "custom_fields": {"rules": [{"if": {"exists": "transaction.customer_id"},
                                              "then": {"list": [{"object": {"api_name": {"const": "cf_paytrace_customer_id"}, "value": "transaction.customer_id"}}]}}]}}}},
              {"id": "salesorder", "target": "zoho_books.salesorder", "key": {"template": "txn:{transaction.transaction_id}"}, "mapping": {"fields": {
                 "customer_id": "$steps.contact.id", "reference_number": \#(reference), "date": \#(date), "line_items": \#(zohoLines), "currency_code": \#(currency)}}},
              {"id": "invoice", "target": "zoho_books.invoice", "key": {"template": "txn:{transaction.transaction_id}"}, "mapping": {"fields": {
                 "customer_id": "$steps.contact.id", "reference_number": \#(reference), "date": \#(date), "line_items": \#(zohoLines), "currency_code": \#(currency)}}},
              {"id": "payment", "target": "zoho_books.customerpayment", "key": {"template": "txn:{transaction.transaction_id}"}, "mapping": {"fields": {
                 "customer_id": "$steps.contact.id", "payment_mode": {"const": "creditcard"}, "amount": \#(amount), "date": \#(date),
                 "reference_number": {"template": "PT-{transaction.transaction_id}"},
                 "description": {"template": "PayTrace {transaction.transaction_type} {transaction.transaction_id}, card {transaction.masked_card_number}"},
                 "invoices": {"list": [{"object": {"invoice_id": "$steps.invoice.id", "amount_applied": \#(amount)}}]}, "currency_code": \#(currency)}}},
              {"id": "crm_contact", "target": "zoho_crm.contact", "key": {"template": "txn:{transaction.transaction_id}"},
               "when": {"exists": "transaction.receipt_emailed_to"}, "mapping": {"fields": {
                 "Last_Name": {"coalesce": ["transaction.billing_address.name", {"template": "PayTrace customer {transaction.customer_id}"}], "then": [{"fn": "truncate", "length": 80}]},
                 "Email": "transaction.receipt_emailed_to", "PayTrace_Customer_ID": "transaction.customer_id",
                 "Last_Order": \#(reference), "Payment_Status": {"const": "Paid"}}}},
              {"id": "deal", "target": "zoho_crm.deal", "key": {"template": "txn:{transaction.transaction_id}"}, "mapping": {"fields": {
                 "Deal_Name": {"template": "PayTrace {transaction.transaction_id}"}, "Amount": \#(amount), "Closing_Date": \#(date),
                 "Stage": {"path": "transaction.status", "then": [{"fn": "status", "map": "paytrace_to_zoho_crm_deal_stage"}]}}}}
             ],
             "error_policy": {"max_attempts": 8, "on_invalid": "hold"},
             "fixtures": [{"name": "an approved sale with a billing address", "input": \#(saleInput), "expected": {
                "contact": {"contact_name": "Acme Outdoor", "email": "ap@acme.example", "notes": "Created by Clearline from PayTrace", "currency_code": "USD",
                            "custom_fields": [{"api_name": "cf_paytrace_customer_id", "value": "acme-1"}],
                            "billing_address": {"attention": "Acme Outdoor", "address": "1 Main St", "city": "Spokane", "state": "WA", "zip": "99201", "country": "US"}},
                "salesorder": {"customer_id": "(id of contact)", "reference_number": "0042", "date": "2026-11-21", "line_items": [{"name": "PayTrace sale", "rate": "108.25", "quantity": 1}], "currency_code": "USD"},
                "invoice": {"customer_id": "(id of contact)", "reference_number": "0042", "date": "2026-11-21", "line_items": [{"name": "PayTrace sale", "rate": "108.25", "quantity": 1}], "currency_code": "USD"},
                "payment": {"customer_id": "(id of contact)", "payment_mode": "creditcard", "amount": "108.25", "date": "2026-11-21", "reference_number": "PT-1001",
                            "description": "PayTrace SALE 1001, card ************1111", "invoices": [{"invoice_id": "(id of invoice)", "amount_applied": "108.25"}], "currency_code": "USD"},
                "crm_contact": {"Last_Name": "Acme Outdoor", "Email": "ap@acme.example", "PayTrace_Customer_ID": "acme-1", "Last_Order": "0042", "Payment_Status": "Paid"},
                "deal": {"Deal_Name": "PayTrace 1001", "Amount": "108.25", "Closing_Date": "2026-11-21", "Stage": "Closed Won"}}}]}
            """#)

    static let sageDate = #"{"path": "transaction.created_at", "then": [{"fn": "date", "from": "paytrace", "to": "sage_date", "zone": "UTC"}]}"#
    static let sageLines =
        #"{"rules": [{"if": {"exists": "transaction.line_items"}, "then": {"each": "transaction.line_items", "fields": {"item": {"coalesce": ["product_id", {"const": "PAYTRACE"}], "then": [{"fn": "truncate", "length": 20}]}, "description": {"path": "description", "then": [{"fn": "truncate", "length": 40}]}, "QTYFIELD": {"path": "quantity", "default": 1}, "price": {"path": "unit_cost", "then": [{"fn": "money", "currency": "USD"}]}}}}], "else": {"list": [{"object": {"item": {"const": "PAYTRACE"}, "description": {"const": "PayTrace sale"}, "QTYFIELD": 1, "price": \#(amount)}}]}}"#

    static let orderToERP = FlowTemplate(
        id: "paytrace-sage-order-to-erp", name: "PayTrace to Sage Pro: order to ERP",
        description:
            "An approved PayTrace sale becomes a Sage Pro customer, sales order, invoice and cash receipt into undeposited funds; the settlement's journals move each batch from there to cash and fees.",
        json: #"""
            {"trigger": {"source": "paytrace", "event_types": ["paytrace.transaction.sale", "paytrace.transaction.capture"],
                         "condition": {"not": {"eq": [{"path": "transaction.status"}, "DECLINED"]}}},
             "steps": [
              {"id": "customer", "target": "sage_pro.customer", "key": {"coalesce": [{"template": "customer:{transaction.customer_id}"}, {"template": "card:{transaction.masked_card_number}"}]}, "mapping": {"fields": {
                 "company": {"coalesce": ["transaction.billing_address.name", {"template": "PayTrace {transaction.customer_id}"}], "then": [{"fn": "truncate", "length": 40}]},
                 "address1": {"path": "transaction.billing_address.street", "then": [{"fn": "truncate", "length": 40}]},
                 "city": "transaction.billing_address.city", "state": "transaction.billing_address.state", "zip": "transaction.billing_address.zip",
                 "country": "transaction.billing_address.country", "email": {"path": "transaction.receipt_emailed_to", "then": [{"fn": "truncate", "length": 40}]}}}},
              {"id": "sales_order", "key": {"template": "txn:{transaction.transaction_id}:sales_order"}, "target": "sage_pro.sales_order", "mapping": {"fields": {
                 "custno": "$steps.customer.id", "ponum": {"coalesce": [\#(reference)], "then": [{"fn": "truncate", "length": 20}]},
                 "lines": \#(sageLines.replacingOccurrences(of: "QTYFIELD", with: "qtyord"))}}},
              {"id": "invoice", "key": {"template": "txn:{transaction.transaction_id}:invoice"}, "target": "sage_pro.invoice", "mapping": {"fields": {
                 "custno": "$steps.customer.id", "ornum": {"coalesce": [\#(reference)], "then": [{"fn": "truncate", "length": 20}]},
                 "tax": {"path": "transaction.tax_amount", "then": [{"fn": "money", "currency": "USD"}]},
                 "lines": \#(sageLines.replacingOccurrences(of: "QTYFIELD", with: "qty"))}}},
              {"id": "cash_receipt", "key": {"template": "txn:{transaction.transaction_id}:cash_receipt"}, "target": "sage_pro.cash_receipt", "mapping": {"fields": {
                 "custno": "$steps.customer.id", "invno": "$steps.invoice.id", "amount": \#(amount), "paydate": \#(sageDate),
                 "reference": {"template": "PT-{transaction.transaction_id}"}}}}
             ],
             "error_policy": {"max_attempts": 8, "on_invalid": "hold"},
             "fixtures": [{"name": "an approved sale", "input": \#(saleInput), "expected": {
                "customer": {"company": "Acme Outdoor", "address1": "1 Main St", "city": "Spokane", "state": "WA", "zip": "99201", "country": "US", "email": "ap@acme.example"},
                "sales_order": {"custno": "(id of customer)", "ponum": "0042", "lines": [{"item": "PAYTRACE", "description": "PayTrace sale", "qtyord": "1", "price": "108.25"}]},
                "invoice": {"custno": "(id of customer)", "ornum": "0042", "lines": [{"item": "PAYTRACE", "description": "PayTrace sale", "qty": "1", "price": "108.25"}]},
                "cash_receipt": {"custno": "(id of customer)", "invno": "(id of invoice)", "amount": "108.25", "paydate": "11/21/2026", "reference": "PT-1001"}}}]}
            """#)
}
