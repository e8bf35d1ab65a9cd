/// Events of one customer (or one order) run one after another: two sales of a new customer
/// must not both create its contact. The key names what they share.
public enum EventOrdering {
    public static func key(_ payload: JSONValue, vendorEventId: String) -> String {
        for (prefix, path) in [
            ("customer", "transaction.customer_id"), ("customer", "chargeback.customer_id"), ("order", "order.id"),
            ("transaction", "transaction.transaction_id"),
        ] {
            if let text = FieldPath(path)?.read(payload)?.keyText {
                return "\(prefix):\(text)"
            }
        }
        return "event:\(vendorEventId)"
    }
}
