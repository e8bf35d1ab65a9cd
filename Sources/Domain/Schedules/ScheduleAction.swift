public import Foundation

/// What a schedule does at each slot besides recording its event for the deployed flows.
public enum ScheduleAction: Sendable, Equatable {
    /// The Zoho Books invoices due by the slot's day (in the schedule's time zone) whose customer
    /// has a PayTrace vault profile become payment requests; each approved charge is then posted
    /// on its invoice as a payment.
    case collectDueInvoices(zohoConnectionId: UUID, payTraceConnectionId: UUID)

    public static let collectDueInvoicesKind = "collect_due_invoices"

    /// As stored and as the API shows it.
    public var json: JSONValue {
        switch self {
        case .collectDueInvoices(let zoho, let payTrace):
            .object([
                "kind": .string(Self.collectDueInvoicesKind), "zoho_connection_id": .string(zoho.lowercasedText),
                "paytrace_connection_id": .string(payTrace.lowercasedText),
            ])
        }
    }

    /// The action a stored document names; nil for one this build does not know.
    public init?(json: JSONValue) {
        guard let object = json.object, object["kind"]?.string == Self.collectDueInvoicesKind,
            let zoho = object["zoho_connection_id"]?.string.flatMap({ UUID(text: $0) }),
            let payTrace = object["paytrace_connection_id"]?.string.flatMap({ UUID(text: $0) })
        else { return nil }
        self = .collectDueInvoices(zohoConnectionId: zoho, payTraceConnectionId: payTrace)
    }
}
