/// What a job does, as stored in `jobs.kind`. A struct rather than an enum: a row may name a
/// kind this build has no handler for (an older or newer process wrote it), and such a job must
/// still be read, so that it can die with the reason instead of stopping the claim.
public struct JobKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// A diagnostic job that writes one `probe_effects` row (tests and bench/queue count them).
    public static let probe = JobKind("probe")
    /// The first job of every stored event: it starts the runs of the flows that take it.
    public static let eventDispatch = JobKind("event.dispatch")
    /// One step of a run.
    public static let flowStep = JobKind("flow.step")
    /// One poll of a PayTrace connection's exports.
    public static let payTracePoll = JobKind("paytrace.poll")
    /// Reads a PayTrace connection's settled batches over a range of days into settlements.
    public static let settlementBackfill = JobKind("settlement.backfill")
    /// Checks one settlement against the environment's ledgers.
    public static let reconciliation = JobKind("reconciliation.run")
    /// Journals a settlement's deposit and fees (and a fee true-up) into the ledgers, once each.
    public static let settlementPosting = JobKind("settlement.post")
    /// Writes again what a reconciliation found missing, through the flow step that wrote it.
    public static let reconciliationRepair = JobKind("reconciliation.repair")
    /// Charges one payment request into PayTrace, exactly once.
    public static let paymentCharge = JobKind("payment.charge")
    /// Captures an authorized payment request, once.
    public static let paymentCapture = JobKind("payment.capture")
    /// Posts an approved charge's payment on the Zoho Books invoice it pays, once.
    public static let paymentInvoicePosting = JobKind("payment.post_invoice")
    /// Reads one page of a Zoho Books organization's due invoices into payment requests, and
    /// queues the next page: the page is the scan's checkpoint.
    public static let dueInvoiceCollection = JobKind("invoices.collect_due")
    /// Makes a recurring plan's period's invoice (Zoho Books or Sage Pro), once, then the
    /// period's payment request naming it.
    public static let recurringInvoice = JobKind("recurring.invoice")
    /// Sends an alert route's owed alerts (queued by migration 0036's trigger on alerts).
    public static let alertNotification = JobKind("alerts.notify")
}
