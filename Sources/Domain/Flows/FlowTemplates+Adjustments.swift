/// Templates for what undoes or fails a sale: refunds, voids, declines and chargebacks.
extension FlowTemplates {
    static let refundInput =
        #"{"transaction": {"transaction_id": 1002, "transaction_type": "REFUND", "amount": "-25.50", "status": "PENDING_SETTLEMENT", "created_at": "11/22/2026 9:15:00 AM", "customer_id": "acme-1", "invoice_id": "Invoice # 0042"}}"#

    static let refunds = FlowTemplate(
        id: "paytrace-zoho-refunds", name: "PayTrace to Zoho: refunds",
        description:
            "A PayTrace refund becomes a Zoho Books credit note for the customer the sale created, refunded out of undeposited funds as PayTrace returned the money to the card.",
        json: #"""
            {"trigger": {"source": "paytrace", "event_types": ["paytrace.transaction.refund"]},
             "steps": [
              {"id": "credit_note", "target": "zoho_books.creditnote", "mapping": {"fields": {
                 "customer_id": {"lookup": "zoho_books.contact", "key": {"template": "customer:{transaction.customer_id}"}},
                 "date": \#(date), "reference_number": {"template": "PT-{transaction.transaction_id}"},
                 "notes": {"template": "Refund of {transaction.invoice_id}"},
                 "line_items": {"list": [{"object": {"name": {"const": "Refund"}, "quantity": 1,
                                                     "rate": {"path": "transaction.amount", "then": ["abs", {"fn": "money", "currency": "USD"}]}}}]}}}},
              {"id": "refund", "target": "zoho_books.creditnote_refund", "mapping": {"fields": {
                 "creditnote_id": "$steps.credit_note.id", "date": \#(date), "reference_number": {"template": "PT-{transaction.transaction_id}"},
                 "amount": {"path": "transaction.amount", "then": ["abs", {"fn": "money", "currency": "USD"}]},
                 "from_account_id": {"const": "code:1010"}, "refund_mode": {"const": "creditcard"}}}}
             ],
             "fixtures": [{"name": "a refund", "input": \#(refundInput), "expected": {
                "credit_note": {"customer_id": "(zoho_books.contact for customer:acme-1)", "date": "2026-11-22", "reference_number": "PT-1002", "notes": "Refund of Invoice # 0042",
                                "line_items": [{"name": "Refund", "quantity": 1, "rate": "25.50"}]},
                "refund": {"creditnote_id": "(id of credit_note)", "date": "2026-11-22", "reference_number": "PT-1002", "amount": "25.50",
                           "from_account_id": "code:1010", "refund_mode": "creditcard"}}}]}
            """#)

    static let voids = FlowTemplate(
        id: "paytrace-zoho-voids", name: "PayTrace to Zoho: voids",
        description: "A voided PayTrace sale deletes the Zoho Books payment written for it, then voids its invoice.",
        json: #"""
            {"trigger": {"source": "paytrace", "condition": {"in": [{"path": "transaction.status"}, ["VOIDED", "VOID"]]}},
             "steps": [
              {"id": "delete_payment", "target": "zoho_books.customerpayment_delete", "key": {"template": "void:{transaction.transaction_id}:payment"},
               "when": {"ne": [{"lookup": "zoho_books.customerpayment", "key": {"template": "txn:{transaction.transaction_id}"}}, null]},
               "mapping": {"fields": {"payment_id": {"lookup": "zoho_books.customerpayment", "key": {"template": "txn:{transaction.transaction_id}"}}}}},
              {"id": "void_invoice", "target": "zoho_books.invoice_void", "key": {"template": "void:{transaction.transaction_id}:invoice"},
               "when": {"ne": [{"lookup": "zoho_books.invoice", "key": {"template": "txn:{transaction.transaction_id}"}}, null]}, "mapping": {"fields": {
                 "invoice_id": {"lookup": "zoho_books.invoice", "key": {"template": "txn:{transaction.transaction_id}"}},
                 "reason": {"template": "PayTrace transaction {transaction.transaction_id} was voided"}}}}
             ],
             "fixtures": [{"name": "a void", "input": {"transaction": {"transaction_id": 1003, "transaction_type": "SALE", "status": "VOIDED", "amount": "10.00"}},
                           "expected": {"delete_payment": {"payment_id": "(zoho_books.customerpayment for txn:1003)"},
                                        "void_invoice": {"invoice_id": "(zoho_books.invoice for txn:1003)", "reason": "PayTrace transaction 1003 was voided"}}}]}
            """#)

    static let declines = FlowTemplate(
        id: "paytrace-zoho-crm-declines", name: "PayTrace to Zoho CRM: declines",
        description:
            "A declined PayTrace sale marks its Zoho CRM deal lost with \"Payment Failed\", and the Inventory sales order of the same order (if the shop's order made one) \"Payment Failed\", so sales can follow up.",
        json: #"""
            {"trigger": {"source": "paytrace", "condition": {"eq": [{"path": "transaction.status"}, "DECLINED"]}},
             "steps": [
              {"id": "deal", "target": "zoho_crm.deal", "mapping": {"fields": {
                 "Deal_Name": {"template": "PayTrace {transaction.transaction_id}"}, "Amount": \#(amount),
                 "Stage": {"path": "transaction.status", "then": [{"fn": "status", "map": "paytrace_to_zoho_crm_deal_stage"}]},
                 "Lead_Source": {"const": "PayTrace decline"}, "Payment_Status": {"const": "Payment Failed"}}}},
              {"id": "salesorder", "target": "zoho_inventory.salesorder_payment_status", "key": {"template": "decline:{transaction.transaction_id}:salesorder"},
               "when": {"exists": "transaction.invoice_id"}, "mapping": {"fields": {
                 "reference_number": {"path": "transaction.invoice_id", "then": [{"fn": "reference_id", "kind": "invoice"}]}, "payment_status": {"const": "Payment Failed"}}}}
             ],
             "fixtures": [{"name": "a decline", "input": {"transaction": {"transaction_id": 1004, "transaction_type": "SALE", "status": "DECLINED", "amount": "300"}},
                           "expected": {"deal": {"Deal_Name": "PayTrace 1004", "Amount": "300.00", "Stage": "Closed Lost", "Lead_Source": "PayTrace decline", "Payment_Status": "Payment Failed"}}}]}
            """#)

    static let chargebacks = FlowTemplate(
        id: "chargebacks-zoho", name: "Chargebacks to Zoho Books",
        description:
            "PayTrace has no chargeback API: a chargeback entered through the API, the pages or a CSV import becomes a credit note reversing the sale, refunded out of undeposited funds as the processor took the money back, and a journal for the fee.",
        json: #"""
            {"trigger": {"source": "chargeback", "event_types": ["chargeback.created"]},
             "steps": [
              {"id": "credit_note", "target": "zoho_books.creditnote", "mapping": {"fields": {
                 "customer_id": {"lookup": "zoho_books.contact", "key": {"template": "customer:{chargeback.customer_id}"}},
                 "date": {"path": "chargeback.received_at", "then": [{"fn": "date", "from": "iso8601", "to": "zoho_date", "zone": "UTC"}]},
                 "reference_number": {"template": "CB-{chargeback.case_number}"},
                 "notes": {"concat": [{"const": "Chargeback"}, "chargeback.reason"], "separator": ": "},
                 "line_items": {"list": [{"object": {"name": {"const": "Chargeback"}, "quantity": 1, "rate": {"path": "chargeback.amount", "then": [{"fn": "money", "currency": "USD"}]}}}]}}}},
              {"id": "reversal", "target": "zoho_books.creditnote_refund", "mapping": {"fields": {
                 "creditnote_id": "$steps.credit_note.id", "reference_number": {"template": "CB-{chargeback.case_number}"},
                 "date": {"path": "chargeback.received_at", "then": [{"fn": "date", "from": "iso8601", "to": "zoho_date", "zone": "UTC"}]},
                 "amount": {"path": "chargeback.amount", "then": [{"fn": "money", "currency": "USD"}]}, "from_account_id": {"const": "code:1010"},
                 "description": {"concat": [{"const": "Chargeback"}, "chargeback.reason"], "separator": ": "}}}},
              {"id": "fee", "target": "zoho_books.journal", "when": {"gt": [{"path": "chargeback.fee"}, 0]}, "mapping": {"fields": {
                 "journal_date": {"path": "chargeback.received_at", "then": [{"fn": "date", "from": "iso8601", "to": "zoho_date", "zone": "UTC"}]},
                 "reference_number": {"template": "CB-{chargeback.case_number}-fee"}, "status": {"const": "published"},
                 "line_items": {"list": [
                   {"object": {"account_id": {"const": "code:6150"}, "debit_or_credit": {"const": "debit"}, "amount": {"path": "chargeback.fee", "then": [{"fn": "money", "currency": "USD"}]}}},
                   {"object": {"account_id": {"const": "code:1010"}, "debit_or_credit": {"const": "credit"}, "amount": {"path": "chargeback.fee", "then": [{"fn": "money", "currency": "USD"}]}}}]}}}}
             ],
             "fixtures": [{"name": "a chargeback with a fee", "input": {"chargeback": {"case_number": "77-1", "customer_id": "acme-1", "amount": "108.25", "fee": "15", "reason": "Fraud", "received_at": "2026-11-20T15:00:00-08:00"}},
                           "expected": {
                "credit_note": {"customer_id": "(zoho_books.contact for customer:acme-1)", "date": "2026-11-20", "reference_number": "CB-77-1", "notes": "Chargeback: Fraud",
                                "line_items": [{"name": "Chargeback", "quantity": 1, "rate": "108.25"}]},
                "reversal": {"creditnote_id": "(id of credit_note)", "reference_number": "CB-77-1", "date": "2026-11-20", "amount": "108.25",
                             "from_account_id": "code:1010", "description": "Chargeback: Fraud"},
                "fee": {"journal_date": "2026-11-20", "reference_number": "CB-77-1-fee", "status": "published", "line_items": [
                   {"account_id": "code:6150", "debit_or_credit": "debit", "amount": "15.00"}, {"account_id": "code:1010", "debit_or_credit": "credit", "amount": "15.00"}]}}}]}
            """#)
}
