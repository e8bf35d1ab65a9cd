/// The records Clearline writes: Zoho Books, Inventory and CRM, and Sage Pro through its agent.
/// Field names, lengths and required-ness follow the vendors' APIs (shared/reference).
public enum TargetSchemas {
    public static let all: [TargetSchema] = zoho + crm + sage + shop + payTrace

    /// What goes back to the merchant's shop by its signed webhook.
    static let shop: [TargetSchema] = [
        TargetSchema(
            name: "shop.fulfilment", system: "shop", title: "Fulfilment update to the shop", operation: "create", key: "order_id",
            fields: [
                f("order_id", required: true, max: 100, ["reference_number", "order_number"]),
                f("status", required: true, max: 40, ["shipped_status", "fulfilment_status"]),
                f("salesorder_number", max: 100), f("carrier", max: 100, ["delivery_method"]), f("tracking_number", max: 100),
                f("packages", .array, fields: [f("package_number", max: 100), f("status", max: 40)]),
            ]),
        TargetSchema(
            name: "shop.payment", system: "shop", title: "Payment update to the shop (a failed recurring payment, a declined charge)",
            operation: "create", key: "reference",
            fields: [
                f("reference", required: true, max: 100, ["external_reference", "id"]),
                f("status", required: true, max: 40), f("customer_id", max: 50, ["paytrace_customer_id"]),
                f("amount", .decimal), f("currency", max: 3), f("period", .integer), f("attempts", .integer), f("message", max: 500),
            ]),
    ]

    /// Charges Clearline makes into PayTrace: the card on file of a vault customer, charged (sale)
    /// or held (authorization, captured later), each exactly once as a payment request.
    static let payTrace: [TargetSchema] = ["sale": "PayTrace sale of the card on file", "authorization": "PayTrace authorization of the card on file"]
        .sorted { $0.key > $1.key }.map { kind, title in
            TargetSchema(
                name: "paytrace.\(kind)", system: "paytrace", title: title, operation: "create", key: "external_reference",
                fields: [
                    f("customer_id", required: true, max: 50, ["paytrace_customer_id", "vault_id"]),
                    f("amount", .decimal, required: true, ["total", "amount_due", "balance"]), f("currency", max: 3, ["currency_code"]),
                    f("description", max: 255, ["notes"]), f("external_reference", max: 100, ["reference_number", "order_id", "invoice_number"]),
                ])
        }

    public static func named(_ name: String) -> TargetSchema? { all.first { $0.name == name } }

    private static func f(
        _ name: String, _ type: TargetField.FieldType = .text, required: Bool = false, max: Int? = nil,
        _ synonyms: [String] = [], fields: [TargetField]? = nil
    ) -> TargetField {
        TargetField(name: name, type: type, required: required, maxLength: max, fields: fields, synonyms: synonyms)
    }

    private static let address = [
        f("attention", max: 100, ["name"]), f("address", max: 500, ["street", "street1", "address1", "line1"]),
        f("street2", max: 255, ["address2", "line2"]), f("city", max: 100), f("state", max: 100, ["region", "province"]),
        f("zip", max: 50, ["postal_code", "zipcode", "postcode"]), f("country", max: 100), f("phone", max: 50),
    ]

    private static let zohoLines = [
        f("item_id", max: 40, ["product_id", "sku_id"]), f("name", max: 100, ["item", "product", "product_name"]),
        f("description", max: 2000, ["descrip"]), f("rate", .decimal, required: true, ["price", "unit_cost", "unit_price", "amount"]),
        f("quantity", .decimal, required: true, ["qty", "qtyord"]), f("account_id", max: 40), f("tax_id", max: 40),
        f("discount", .decimal),
    ]

    /// A record's currency (Clearline turns it into Books' currency id or exchange rate).
    private static let currency = f("currency_code", max: 3, ["currency"])
    private static let money = [currency, f("exchange_rate", .decimal)]

    static let zoho: [TargetSchema] = [
        TargetSchema(
            name: "zoho_books.contact", system: "zoho_books", title: "Zoho Books contact", operation: "upsert", key: "contact_name",
            fields: [
                f("contact_name", required: true, max: 200, ["name", "customer_name", "display_name", "company"]),
                f("company_name", max: 200, ["company", "business_name"]), f("contact_type", max: 20),
                f("email", .email, max: 100, ["receipt_emailed_to", "email_address"]),
                f("phone", max: 50, ["telephone"]), f("notes", max: 2000), f("billing_address", .object, ["billing", "address"], fields: address),
                f("shipping_address", .object, ["shipping"], fields: address), currency,
                // Custom fields by API name, e.g. cf_paytrace_customer_id (the PayTrace customer vault id).
                f("custom_fields", .array, fields: [f("api_name", required: true, max: 100), f("value", max: 1000)]),
            ]),
        TargetSchema(
            name: "zoho_books.salesorder", system: "zoho_books", title: "Zoho Books sales order", operation: "create", key: "reference_number",
            fields: [
                f("customer_id", required: true, max: 40, ["contact_id"]), f("reference_number", max: 100, ["order_id", "invoice_id", "transaction_id", "po"]),
                f("date", .date, ["created_at", "order_date"]), f("shipment_date", .date), f("notes", max: 2000, ["description"]),
                f("shipping_charge", .decimal, ["freight_amount", "shipping"]), f("line_items", .array, required: true, ["lines", "items"], fields: zohoLines),
            ] + money),
        TargetSchema(
            name: "zoho_books.invoice", system: "zoho_books", title: "Zoho Books invoice", operation: "create", key: "reference_number",
            fields: [
                f("customer_id", required: true, max: 40, ["contact_id"]), f("reference_number", max: 100, ["invoice_id", "order_id", "transaction_id"]),
                f("invoice_number", max: 100), f("date", .date, ["created_at", "invoice_date"]), f("due_date", .date),
                f("notes", max: 2000, ["description"]), f("shipping_charge", .decimal), f("adjustment", .decimal, ["tax_amount"]),
                f("line_items", .array, required: true, ["lines", "items"], fields: zohoLines),
            ] + money),
        TargetSchema(
            name: "zoho_inventory.salesorder_payment_status", system: "zoho_books", title: "Payment status on a Zoho Inventory sales order",
            operation: "update", key: "reference_number",
            fields: [
                f("reference_number", required: true, max: 100, ["order_id", "invoice_id"]), f("payment_status", required: true, max: 100, ["status"]),
            ]),
        TargetSchema(
            name: "zoho_books.invoice_void", system: "zoho_books", title: "Void a Zoho Books invoice", operation: "update", key: "invoice_id",
            fields: [
                f("invoice_id", required: true, max: 40), f("reason", max: 500, ["description", "notes"]),
            ]),
        TargetSchema(
            name: "zoho_books.customerpayment_delete", system: "zoho_books", title: "Delete a Zoho Books payment", operation: "update", key: "payment_id",
            fields: [
                f("payment_id", required: true, max: 40)
            ]),
        TargetSchema(
            name: "zoho_books.customerpayment", system: "zoho_books", title: "Zoho Books customer payment", operation: "create", key: "reference_number",
            fields: [
                f("customer_id", required: true, max: 40, ["contact_id"]), f("payment_mode", required: true, max: 50, ["payment_method", "tender"]),
                f("amount", .decimal, required: true, ["total", "amount_paid"]),
                f("date", .date, required: true, ["created_at", "settled_at", "payment_date"]),
                f("reference_number", max: 100, ["transaction_id", "approval_code"]), f("description", max: 2000),
                f("bank_charges", .decimal, ["fee", "fees"]), f("account_id", max: 40),
                f(
                    "invoices", .array, required: true,
                    fields: [f("invoice_id", required: true, max: 40), f("amount_applied", .decimal, required: true, ["amount"])]),
            ] + money),
        TargetSchema(
            name: "zoho_books.creditnote", system: "zoho_books", title: "Zoho Books credit note", operation: "create", key: "reference_number",
            fields: [
                f("customer_id", required: true, max: 40, ["contact_id"]), f("date", .date, required: true, ["created_at"]),
                f("reference_number", max: 100, ["transaction_id"]), f("notes", max: 2000, ["description"]),
                f("line_items", .array, required: true, ["lines"], fields: zohoLines),
            ] + money),
        TargetSchema(
            name: "zoho_books.creditnote_refund", system: "zoho_books", title: "Zoho Books credit note refund", operation: "create", key: "reference_number",
            fields: [
                f("creditnote_id", required: true, max: 40), f("date", .date, required: true, ["created_at"]), f("amount", .decimal, required: true),
                f("from_account_id", required: true, max: 40, ["account_id", "bank_account"]), f("refund_mode", max: 50),
                f("reference_number", required: true, max: 100, ["transaction_id"]), f("description", max: 500),
            ]),
        TargetSchema(
            name: "zoho_books.journal", system: "zoho_books", title: "Zoho Books journal", operation: "create", key: "reference_number",
            fields: [
                f("journal_date", .date, required: true, ["date", "settled_at"]), f("reference_number", max: 100, ["batch_number"]),
                f("notes", max: 2000, ["description"]), f("status", max: 20),
                f(
                    "line_items", .array, required: true, ["lines", "entries"],
                    fields: [
                        f("account_id", required: true, max: 40, ["account", "gl_account"]), f("amount", .decimal, required: true),
                        f("debit_or_credit", required: true, max: 6), f("description", max: 500),
                    ]),
            ]),
    ]

    static let crm: [TargetSchema] = [
        TargetSchema(
            name: "zoho_crm.contact", system: "zoho_crm", title: "Zoho CRM contact", operation: "upsert", key: "Email",
            fields: [
                f("Last_Name", required: true, max: 80, ["last_name", "surname", "name"]), f("First_Name", max: 40, ["first_name", "given_name"]),
                f("Email", .email, max: 100, ["email", "receipt_emailed_to"]), f("Phone", max: 30, ["phone"]),
                f("Mailing_Street", max: 250, ["street", "address"]),
                f("Mailing_City", max: 100, ["city"]), f("Mailing_State", max: 100, ["state"]), f("Mailing_Zip", max: 30, ["zip", "postal_code"]),
                f("Mailing_Country", max: 100, ["country"]), f("PayTrace_Customer_ID", max: 100, ["customer_id"]),
                // Custom fields (Clearline's setup guide adds them): the latest order and its payment.
                f("Last_Order", max: 100, ["order_id", "reference_number"]), f("Payment_Status", max: 100, ["payment_status"]),
            ]),
        TargetSchema(
            name: "zoho_crm.deal", system: "zoho_crm", title: "Zoho CRM deal", operation: "upsert", key: "Deal_Name",
            fields: [
                f("Deal_Name", required: true, max: 120, ["name", "invoice_id", "order_id"]), f("Stage", required: true, max: 50, ["status"]),
                f("Amount", .decimal, ["amount", "total"]), f("Closing_Date", .date, ["created_at", "settled_at", "date"]),
                f("Contact_Name", .object, fields: [f("id", required: true, max: 40)]), f("Lead_Source", max: 100),
                // A custom field (Clearline's setup guide adds it): the deal's payment state.
                f("Payment_Status", max: 100, ["payment_status"]), f("Description", max: 32000, ["notes"]),
            ]),
    ]

    private static let sageLines = [
        f("item", required: true, max: 20, ["item_id", "sku", "product_id"]), f("description", max: 40, ["name", "descrip"]),
        f("qty", .decimal, required: true, ["quantity", "qtyord"]), f("price", .decimal, required: true, ["rate", "unit_cost", "amount"]),
    ]

    static let sage: [TargetSchema] = [
        TargetSchema(
            name: "sage_pro.customer", system: "sage_pro", title: "Sage Pro customer (ARCUST)", operation: "upsert", key: "custno",
            fields: [
                f("custno", max: 6, ["customer_id", "customer_number"]), f("company", required: true, max: 40, ["name", "company_name", "customer_name"]),
                f("contact", max: 40, ["contact_name", "attention"]), f("address1", max: 40, ["street", "address"]), f("address2", max: 40, ["street2"]),
                f("city", max: 40), f("state", max: 40, ["region"]), f("zip", max: 40, ["postal_code"]), f("country", max: 40),
                f("phone", max: 40), f("email", .email, max: 40, ["receipt_emailed_to"]),
            ]),
        TargetSchema(
            name: "sage_pro.sales_order", system: "sage_pro", title: "Sage Pro sales order (SOMAST/SOTRAN)", operation: "create", key: "ponum",
            fields: [
                f("custno", required: true, max: 6, ["customer_id"]), f("ponum", max: 20, ["order_id", "invoice_id", "customer_reference_id", "po"]),
                f(
                    "lines", .array, required: true, ["line_items", "items"],
                    fields: [
                        f("item", required: true, max: 20, ["item_id", "sku"]),
                        f("description", max: 40), f("qtyord", .decimal, required: true, ["quantity", "qty"]),
                        f("price", .decimal, required: true, ["rate", "unit_cost"]),
                    ]),
            ]),
        TargetSchema(
            name: "sage_pro.invoice", system: "sage_pro", title: "Sage Pro invoice (ARMAST/ARTRAN)", operation: "create", key: "ornum",
            fields: [
                f("custno", required: true, max: 6, ["customer_id"]), f("ornum", max: 20, ["order_id", "invoice_id"]), f("tax", .decimal, ["tax_amount"]),
                f("lines", .array, required: true, ["line_items"], fields: sageLines),
            ]),
        TargetSchema(
            name: "sage_pro.cash_receipt", system: "sage_pro", title: "Sage Pro cash receipt (ARCASH)", operation: "create", key: "reference",
            fields: [
                f("custno", required: true, max: 6, ["customer_id"]), f("invno", max: 10, ["invoice_number", "invoice_id"]),
                f("amount", .decimal, required: true, ["total"]), f("paydate", max: 10, ["date", "created_at", "settled_at"]),
                f("reference", max: 30, ["transaction_id", "reference_number"]),
            ]),
        TargetSchema(
            name: "sage_pro.gl_entry", system: "sage_pro", title: "Sage Pro GL entry (GLTRAN)", operation: "create", key: "reference",
            fields: [
                f("reference", max: 30, ["batch_number", "reference_number"]),
                // The posting date (MM/DD/YYYY or yyyy-MM-dd); today when left out.
                f("date", max: 10, ["trandate", "journal_date"]),
                f(
                    "lines", .array, required: true, ["entries", "line_items"],
                    fields: [
                        f("account", required: true, max: 12, ["gl_account", "account_id"]), f("debit", .decimal), f("credit", .decimal),
                        f("descrip", max: 30, ["description"]),
                    ]),
            ]),
    ]
}
