/// Joins an address object (PayTrace's `billing_address`, a shop's) into the one text field some
/// targets have: "street, street2, city, state zip, country", skipping what is empty.
enum AddressFormat {
    static func format(_ value: JSONValue, multiline: Bool) throws(MappingTransform.Failure) -> JSONValue {
        guard case .object(let fields) = value else { throw MappingTransform.Failure("needs an address object, got \(MappingTransform.kind(value))") }
        func field(_ names: String...) -> String {
            for name in names { if let text = fields[name].flatMap(MappingValues.text), !text.isEmpty { return text.trimmingInlineWhitespace } }
            return ""
        }
        let stateZip = [field("state", "region"), field("zip", "postal_code", "zipcode")].filter { !$0.isEmpty }.joined(separator: " ")
        let parts = [
            field("name"), field("street", "street1", "address1", "address", "line1"), field("street2", "address2", "line2"),
            field("city"), stateZip, field("country"),
        ].filter { !$0.isEmpty }
        return parts.isEmpty ? .null : .string(parts.joined(separator: multiline ? "\n" : ", "))
    }
}
