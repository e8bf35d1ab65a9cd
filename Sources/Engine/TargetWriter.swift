import Domain

/// What writes a flow step's record into one target system, as two halves the ledger calls in
/// order: `find` looks in the target for the record an earlier attempt may have written before
/// its answer was lost, and `create` writes it, called only when `find` found nothing. No target
/// here takes an idempotency key, so this pair (with the ledger's own lookup first) is what
/// makes a retried write land once.
protocol TargetWriter {
    /// The id of the target's record for this one, if it is there already.
    func find(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String?
    /// Writes the record; returns the id the target gave it.
    func create(_ schema: TargetSchema, _ record: JSONValue, key: String) throws -> String
    /// What `find` looks for in the target, when it looks only for records Clearline wrote under
    /// that business key: the ledger then searches only when an intent to write under it was
    /// recorded before. Nil (the default) keeps the search before every create.
    func searchKey(_ schema: TargetSchema, _ record: JSONValue) -> String?
}

extension TargetWriter {
    func searchKey(_ schema: TargetSchema, _ record: JSONValue) -> String? { nil }
}
