/// What Clearline can do about a difference itself; anything else a person explains with a note.
/// - `postAgain`: a sale's payment or receipt the ledger lost is written again by the step that
///   first wrote it, through the exactly-once writer;
/// - `correctAmount`: a Books payment edited by hand is set back to what PayTrace settled;
/// - `postRefund`: a refund PayTrace settled but no flow saw is read from PayTrace and recorded
///   as its event, so the refund flows write it into every ledger.
/// Timing settles itself in a later batch, and a record no transaction explains (a manual
/// duplicate, an overpayment) is a person's to undo or explain: Clearline never deletes one.
public enum FindingRepair: String, Sendable, Codable, CaseIterable {
    case postAgain = "post_again"
    case correctAmount = "correct_amount"
    case postRefund = "post_refund"

    public static func of(_ finding: ReconciliationMatcher.Finding) -> FindingRepair? {
        switch (finding.category, finding.system) {
        case (.missing, "zoho_books"), (.missing, "sage_pro"): .postAgain
        // Pro has no command to edit a receipt: its amounts are corrected in Pro.
        case (.amountDiffers, "zoho_books"): .correctAmount
        case (.reversalNotReflected, _): .postRefund
        default: nil
        }
    }
}
