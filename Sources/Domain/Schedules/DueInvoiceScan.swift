public import Foundation

/// One page of a due-invoice collection: which schedule, which Zoho and PayTrace connections, the
/// last due day collected, and the page of Books' list to read. The page is the scan's
/// checkpoint: each page's payment requests are committed with the job of the next page, so a
/// crash resumes at the page it stopped on, and what that page made already is not made again
/// (an invoice has one live request).
public struct DueInvoiceScan: Sendable, Equatable {
    public let scheduleId: UUID?
    public let zohoConnectionId: UUID
    public let payTraceConnectionId: UUID
    /// yyyy-mm-dd: invoices due on or before it.
    public let dueBy: String
    public let page: Int

    public init(scheduleId: UUID?, zohoConnectionId: UUID, payTraceConnectionId: UUID, dueBy: String, page: Int) {
        self.scheduleId = scheduleId
        self.zohoConnectionId = zohoConnectionId
        self.payTraceConnectionId = payTraceConnectionId
        self.dueBy = dueBy
        self.page = page
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "zoho_connection_id": .string(zohoConnectionId.lowercasedText), "paytrace_connection_id": .string(payTraceConnectionId.lowercasedText),
            "due_by": .string(dueBy), "page": .number(Double(page)),
        ]
        if let scheduleId { fields["schedule_id"] = .string(scheduleId.lowercasedText) }
        return .object(fields)
    }

    public init?(json: JSONValue) {
        guard let object = json.object, let zoho = object["zoho_connection_id"]?.string.flatMap({ UUID(text: $0) }),
            let payTrace = object["paytrace_connection_id"]?.string.flatMap({ UUID(text: $0) }), let dueBy = object["due_by"]?.string,
            case .number(let page) = object["page"], page >= 1, page <= 100_000
        else { return nil }
        self.init(
            scheduleId: object["schedule_id"]?.string.flatMap { UUID(text: $0) }, zohoConnectionId: zoho, payTraceConnectionId: payTrace, dueBy: dueBy,
            page: Int(page))
    }

    /// The scan of the page after this one.
    public var nextPage: DueInvoiceScan {
        DueInvoiceScan(scheduleId: scheduleId, zohoConnectionId: zohoConnectionId, payTraceConnectionId: payTraceConnectionId, dueBy: dueBy, page: page + 1)
    }
}
