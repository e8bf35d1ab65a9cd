import Foundation

/// The CRM modules the emulator serves and their fields, as `GET /settings/modules` and
/// `GET /settings/fields?module=` describe them (reference section 4.3; Zoho's `zoho/crm-oas`
/// `v8.0` fields metadata). Mandatory fields and the system duplicate-check field of each module
/// follow section 4.2 and Zoho's insert-records page ("duplicates are checked for every insert
/// based on unique fields"; Email for Leads and Contacts, Account_Name for Accounts, Deal_Name for
/// Deals). A real org's layouts add more; these are the ones a payments integration touches.
struct ZohoCRMModule: Sendable {
    struct Field: Sendable {
        let apiName: String
        let label: String
        /// Zoho's `data_type` (text, email, phone, lookup, currency, date, …).
        let dataType: String
        let mandatory: Bool
        /// The module's system-defined duplicate-check field: an insert that repeats its value is
        /// refused with DUPLICATE_DATA, and an upsert without `duplicate_check_fields` matches on it.
        let duplicateCheck: Bool

        init(_ apiName: String, _ dataType: String = "text", mandatory: Bool = false, duplicateCheck: Bool = false) {
            self.apiName = apiName
            self.label = apiName.replacingOccurrences(of: "_", with: " ")
            self.dataType = dataType
            self.mandatory = mandatory
            self.duplicateCheck = duplicateCheck
        }

        /// The JSON type Zoho's metadata gives beside each data type.
        var jsonType: String {
            switch dataType {
            case "lookup", "ownerlookup": "jsonobject"
            case "currency", "double", "decimal": "double"
            case "integer", "bigint": "integer"
            case "boolean": "boolean"
            default: "string"
            }
        }
    }

    let apiName: String
    let singular: String
    let id: String
    let fields: [Field]

    var mandatory: [String] { fields.filter(\.mandatory).map(\.apiName) }
    var duplicateCheckFields: [String] { fields.filter(\.duplicateCheck).map(\.apiName) }
    /// Fields a `phone=` search looks in.
    var phoneFields: [String] { fields.filter { $0.dataType == "phone" }.map(\.apiName) }
    /// Fields an `email=` search looks in.
    var emailFields: [String] { fields.filter { $0.dataType == "email" }.map(\.apiName) }

    static let all: [ZohoCRMModule] = [
        ZohoCRMModule(
            apiName: "Leads", singular: "Lead", id: "5725767000000002175",
            fields: [
                Field("Last_Name", mandatory: true), Field("First_Name"), Field("Company"), Field("Email", "email", duplicateCheck: true),
                Field("Phone", "phone"), Field("Mobile", "phone"), Field("Lead_Source", "picklist"), Field("Lead_Status", "picklist"),
                Field("Owner", "ownerlookup"), Field("Description", "textarea"),
            ]),
        ZohoCRMModule(
            apiName: "Contacts", singular: "Contact", id: "5725767000000002179",
            fields: [
                Field("Last_Name", mandatory: true), Field("First_Name"), Field("Email", "email", duplicateCheck: true), Field("Phone", "phone"),
                Field("Mobile", "phone"), Field("Account_Name", "lookup"), Field("Mailing_Street"), Field("Mailing_City"), Field("Mailing_State"),
                Field("Mailing_Zip"), Field("Mailing_Country"), Field("Owner", "ownerlookup"), Field("Description", "textarea"),
                Field("PayTrace_Customer_ID"),
            ]),
        ZohoCRMModule(
            apiName: "Accounts", singular: "Account", id: "5725767000000002177",
            fields: [
                Field("Account_Name", mandatory: true, duplicateCheck: true), Field("Phone", "phone"), Field("Website", "website"),
                Field("Billing_Street"), Field("Billing_City"), Field("Billing_State"), Field("Billing_Code"), Field("Billing_Country"),
                Field("Owner", "ownerlookup"), Field("Description", "textarea"),
            ]),
        ZohoCRMModule(
            apiName: "Deals", singular: "Deal", id: "5725767000000002181",
            fields: [
                Field("Deal_Name", mandatory: true, duplicateCheck: true), Field("Stage", "picklist", mandatory: true), Field("Amount", "currency"),
                Field("Closing_Date", "date"), Field("Account_Name", "lookup"), Field("Contact_Name", "lookup"), Field("Lead_Source", "picklist"),
                Field("Owner", "ownerlookup"), Field("Description", "textarea"),
            ]),
    ]

    static func named(_ name: String) -> ZohoCRMModule? {
        all.first { $0.apiName.lowercased() == name.lowercased() }
    }

    /// One module as `GET /settings/modules` lists it.
    var metadata: [String: Any] {
        [
            "id": id, "api_name": apiName, "module_name": apiName, "singular_label": singular, "plural_label": apiName, "api_supported": true,
            "generated_type": "default", "creatable": true, "editable": true, "deletable": true, "viewable": true, "status": "visible",
        ]
    }

    /// The module's fields as `GET /settings/fields?module=` gives them.
    var fieldsMetadata: [[String: Any]] {
        fields.enumerated().map { index, field in
            var item: [String: Any] = [
                "id": String(Int(id)! + 100 + index), "api_name": field.apiName, "field_label": field.label, "display_label": field.label,
                "data_type": field.dataType, "json_type": field.jsonType, "system_mandatory": field.mandatory,
                "custom_field": field.apiName == "PayTrace_Customer_ID",
                "visible": true, "read_only": false, "length": field.dataType == "textarea" ? 32000 : 255,
                "operation_type": ["web_create": true, "api_create": true, "web_update": true, "api_update": true],
            ]
            if field.duplicateCheck { item["unique"] = ["casesensitive": "false"] }
            if field.dataType == "lookup" { item["lookup"] = ["module": ["api_name": field.apiName == "Contact_Name" ? "Contacts" : "Accounts"]] }
            return item
        }
    }
}
