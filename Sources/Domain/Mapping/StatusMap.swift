/// Translates a PayTrace transaction status into a target system's, or through a table the
/// mapping gives. PayTrace's statuses arrive in several spellings (export `status`, response
/// text, transaction type), so the input is first reduced to Approved, Declined, Refunded or
/// Voided.
public struct StatusMap: Sendable, Equatable {
    public let name: String
    public let table: [String: String]
    public let otherwise: String?

    public static let builtIn: [String: [String: String]] = [
        "paytrace_to_zoho_invoice": ["Approved": "paid", "Declined": "unpaid", "Refunded": "void", "Voided": "void"],
        "paytrace_to_zoho_payment": ["Approved": "success", "Declined": "failure", "Refunded": "refunded", "Voided": "void"],
        "paytrace_to_zoho_salesorder": ["Approved": "confirmed", "Declined": "draft", "Refunded": "void", "Voided": "void"],
        "paytrace_to_zoho_crm_deal_stage": ["Approved": "Closed Won", "Declined": "Closed Lost", "Refunded": "Closed Lost", "Voided": "Closed Lost"],
        "paytrace_to_sage_arstat": ["Approved": "P", "Declined": " ", "Refunded": "V", "Voided": "V"],
        "paytrace_to_sage_sostat": ["Approved": "C", "Declined": " ", "Refunded": "X", "Voided": "X"],
    ]

    /// A built-in map by name, or the mapping's own table (keys are PayTrace's four statuses).
    public init?(name: String?, table: [String: String]?, otherwise: String?) {
        if let name {
            guard let known = Self.builtIn[name] else { return nil }
            self.name = name
            self.table = known
        } else if let table {
            self.name = "custom"
            self.table = table
        } else {
            return nil
        }
        self.otherwise = otherwise
    }

    /// PayTrace's spelling reduced to one of its four outcomes; nil when unrecognised.
    public static func normalize(_ status: String) -> String? {
        switch status.trimmingInlineWhitespace.uppercased() {
        case "APPROVED", "SETTLED", "PENDING_SETTLEMENT", "AUTHORIZED", "CAPTURED", "SALE": "Approved"
        case "DECLINED", "FAILED": "Declined"
        case "REFUNDED", "REFUND": "Refunded"
        case "VOIDED", "VOID": "Voided"
        default: nil
        }
    }

    func apply(_ status: String) throws(MappingTransform.Failure) -> JSONValue {
        let key = Self.normalize(status) ?? status
        if let hit = table[key] { return .string(hit) }
        guard let otherwise else { throw MappingTransform.Failure("status \"\(status.prefix(40))\" has no entry in \(name) and there is no default") }
        return .string(otherwise)
    }
}
