/// What undoes a sale in Sage Pro, as journal entries through the agent (Pro's AR keeps the
/// paid invoice; the money's movement is in the ledger): a refund to sales returns out of
/// undeposited funds (PayTrace nets it out of the batch, so the batch's deposit is less by it),
/// a void (before settlement) reversing the sale out of undeposited funds, a chargeback and its
/// fee out of cash. A decline posts nothing: no sale was made.
extension FlowTemplates {
    static let sageAdjustments = FlowTemplate(
        id: "paytrace-sage-adjustments", name: "PayTrace to Sage Pro: refunds and voids",
        description:
            "A PayTrace refund becomes a Sage Pro journal to sales returns out of undeposited funds, which the batch nets; a void reverses the sale out of undeposited funds.",
        json: #"""
            {"trigger": {"source": "paytrace", "event_types": ["paytrace.transaction.refund", "paytrace.transaction.void"]},
             "steps": [
              {"id": "refund", "target": "sage_pro.gl_entry", "key": {"template": "txn:{transaction.transaction_id}:refund"},
               "when": {"eq": [{"path": "transaction.transaction_type"}, "REFUND"]}, "mapping": {"fields": {
                 "date": \#(sageDate), "reference": {"template": "PT-{transaction.transaction_id}-refund"},
                 "lines": {"list": [
                   {"object": {"account": {"const": "4900-00"}, "debit": {"path": "transaction.amount", "then": ["abs", {"fn": "money", "currency": "USD"}]}, "descrip": {"const": "PayTrace refund"}}},
                   {"object": {"account": {"const": "1050-00"}, "credit": {"path": "transaction.amount", "then": ["abs", {"fn": "money", "currency": "USD"}]}, "descrip": {"const": "PayTrace refund"}}}]}}}},
              {"id": "void", "target": "sage_pro.gl_entry", "key": {"template": "txn:{transaction.transaction_id}:void"},
               "when": {"and": [{"in": [{"path": "transaction.status"}, ["VOIDED", "VOID"]]},
                                {"ne": [{"lookup": "sage_pro.cash_receipt", "key": {"template": "txn:{transaction.transaction_id}:cash_receipt"}}, null]}]},
               "mapping": {"fields": {
                 "date": \#(sageDate), "reference": {"template": "PT-{transaction.transaction_id}-void"},
                 "lines": {"list": [
                   {"object": {"account": {"const": "4000-00"}, "debit": \#(amount), "descrip": {"const": "PayTrace void"}}},
                   {"object": {"account": {"const": "1050-00"}, "credit": \#(amount), "descrip": {"const": "PayTrace void"}}}]}}}}
             ],
             "error_policy": {"max_attempts": 8, "on_invalid": "hold"},
             "fixtures": [{"name": "a refund", "input": \#(refundInput), "expected": {
                "refund": {"date": "11/22/2026", "reference": "PT-1002-refund", "lines": [{"account": "4900-00", "debit": "25.50", "descrip": "PayTrace refund"},
                                                                    {"account": "1050-00", "credit": "25.50", "descrip": "PayTrace refund"}]}}}]}
            """#)

    static let sageChargebacks = FlowTemplate(
        id: "chargebacks-sage", name: "Chargebacks to Sage Pro",
        description:
            "A chargeback entered through the API, the pages or a CSV becomes Sage Pro journals: the sale reversed out of cash into sales returns, and the fee to the chargebacks account.",
        json: #"""
            {"trigger": {"source": "chargeback", "event_types": ["chargeback.created"]},
             "steps": [
              {"id": "reversal", "target": "sage_pro.gl_entry", "key": {"template": "chargeback:{chargeback.case_number}:reversal"}, "mapping": {"fields": {
                 "reference": {"template": "CB-{chargeback.case_number}", "then": [{"fn": "truncate", "length": 30}]},
                 "lines": {"list": [
                   {"object": {"account": {"const": "4900-00"}, "debit": {"path": "chargeback.amount", "then": [{"fn": "money", "currency": "USD"}]}, "descrip": {"const": "Chargeback"}}},
                   {"object": {"account": {"const": "1000-00"}, "credit": {"path": "chargeback.amount", "then": [{"fn": "money", "currency": "USD"}]}, "descrip": {"const": "Chargeback"}}}]}}}},
              {"id": "fee", "target": "sage_pro.gl_entry", "key": {"template": "chargeback:{chargeback.case_number}:fee"}, "when": {"gt": [{"path": "chargeback.fee"}, 0]}, "mapping": {"fields": {
                 "reference": {"template": "CB-{chargeback.case_number}-fee", "then": [{"fn": "truncate", "length": 30}]},
                 "lines": {"list": [
                   {"object": {"account": {"const": "6150-00"}, "debit": {"path": "chargeback.fee", "then": [{"fn": "money", "currency": "USD"}]}, "descrip": {"const": "Chargeback fee"}}},
                   {"object": {"account": {"const": "1000-00"}, "credit": {"path": "chargeback.fee", "then": [{"fn": "money", "currency": "USD"}]}, "descrip": {"const": "Chargeback fee"}}}]}}}}
             ],
             "error_policy": {"max_attempts": 8, "on_invalid": "hold"},
             "fixtures": [{"name": "a chargeback with a fee", "input": {"chargeback": {"case_number": "77-1", "customer_id": "acme-1", "amount": "108.25", "fee": "15.00", "reason": "Fraud", "received_at": "2026-11-20T23:00:00Z"}},
                           "expected": {
                "reversal": {"reference": "CB-77-1", "lines": [{"account": "4900-00", "debit": "108.25", "descrip": "Chargeback"}, {"account": "1000-00", "credit": "108.25", "descrip": "Chargeback"}]},
                "fee": {"reference": "CB-77-1-fee", "lines": [{"account": "6150-00", "debit": "15.00", "descrip": "Chargeback fee"}, {"account": "1000-00", "credit": "15.00", "descrip": "Chargeback fee"}]}}}]}
            """#)
}
