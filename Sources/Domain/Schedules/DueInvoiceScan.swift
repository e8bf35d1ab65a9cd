public import Foundation

/// One page of a due-invoice collection: which schedule, the collection's connections and retry
/// days, the scan's time (its slot) and day, and the page of Books' list to read. The page is the
/// scan's checkpoint: each page's payment requests are committed with the job of the next page,
/// so a crash resumes at the page it stopped on, and what that page made already is not made
/// again (an invoice has one live request).
///
/// Books' list of unpaid invoices shrinks while the scan runs (a charged invoice is paid and
/// leaves it), so a later page may start past invoices that moved up. A pass that made any
/// request is therefore followed by another from page 1, which starts once this scan's charges
/// have settled (paid and posted, or declined), so that the list holds still while it is read;
/// the scan ends after a pass that made none.
public struct DueInvoiceScan: Sendable, Equatable {
    public let scheduleId: UUID?
    public let collection: DueInvoiceCollection
    /// When the scan runs: the schedule's slot (or the moment of "Run now"); retry days count to it.
    public let at: Date
    /// yyyy-mm-dd: invoices due on or before it.
    public let dueBy: String
    public let page: Int
    public let pass: Int
    /// Whether an earlier page of this pass made a request.
    public let madeInPass: Bool
    /// How many times this pass's start has waited for the scan's charges to settle.
    public let waits: Int

    /// Passes after which a scan stops, whatever it still finds (the next slot goes on).
    public static let maxPasses = 5

    public init(
        scheduleId: UUID?, collection: DueInvoiceCollection, at: Date, dueBy: String, page: Int = 1, pass: Int = 1, madeInPass: Bool = false,
        waits: Int = 0
    ) {
        self.scheduleId = scheduleId
        self.collection = collection
        self.at = at
        self.dueBy = dueBy
        self.page = page
        self.pass = pass
        self.madeInPass = madeInPass
        self.waits = waits
    }

    public var json: JSONValue {
        guard case .object(var fields) = ScheduleAction.collectDueInvoices(collection).json else { return .null }
        fields["at"] = .string(Timestamp.format(at))
        fields["due_by"] = .string(dueBy)
        fields["page"] = .number(Double(page))
        fields["pass"] = .number(Double(pass))
        fields["made_in_pass"] = .bool(madeInPass)
        fields["waits"] = .number(Double(waits))
        if let scheduleId { fields["schedule_id"] = .string(scheduleId.lowercasedText) }
        return .object(fields)
    }

    public init?(json: JSONValue) {
        guard let object = json.object, let collection = DueInvoiceCollection(json: json), let dueBy = object["due_by"]?.string,
            let at = object["at"]?.string.flatMap({ Timestamp.parse($0) }),
            case .number(let page) = object["page"], page >= 1, page <= 100_000,
            case .number(let pass) = object["pass"], pass >= 1
        else { return nil }
        let made = if case .bool(let made) = object["made_in_pass"] { made } else { false }
        let waits = if case .number(let waits) = object["waits"] { Int(exactly: waits) ?? 0 } else { 0 }
        self.init(
            scheduleId: object["schedule_id"]?.string.flatMap { UUID(text: $0) }, collection: collection, at: at, dueBy: dueBy, page: Int(page),
            pass: Int(pass), madeInPass: made, waits: waits)
    }

    /// What follows this page, given whether Books has more pages and whether this page made a
    /// request: the next page, a new pass from page 1, or nothing (the scan is over).
    public func next(morePages: Bool, madeRequests: Bool) -> DueInvoiceScan? {
        let made = madeInPass || madeRequests
        if morePages {
            return DueInvoiceScan(scheduleId: scheduleId, collection: collection, at: at, dueBy: dueBy, page: page + 1, pass: pass, madeInPass: made)
        }
        guard made, pass < Self.maxPasses else { return nil }
        return DueInvoiceScan(scheduleId: scheduleId, collection: collection, at: at, dueBy: dueBy, page: 1, pass: pass + 1, madeInPass: false)
    }

    /// The same start of a pass, once more after waiting for the scan's charges.
    public var waitedOnce: DueInvoiceScan {
        DueInvoiceScan(scheduleId: scheduleId, collection: collection, at: at, dueBy: dueBy, page: page, pass: pass, madeInPass: madeInPass, waits: waits + 1)
    }

    /// Waits after which a pass starts whether or not the charges have settled (a posting that
    /// cannot finish must not hold the scan for ever).
    public static let maxWaits = 60
}
