import Foundation
import HTTPServer

/// Books contacts (reference section 2.4): create, get, update by id, list with the name and
/// e-mail filters, and `PUT /contacts` by a unique custom field (`X-Unique-Identifier-Key/-Value`,
/// `X-Upsert: true` to create when none matches). A contact carries its `contact_persons` and
/// the `primary_contact_id` of the first, as Books returns them.
extension ZohoBooksEmulator {
    func contactRoutes(_ route: Register) {
        route("POST", "/contacts") { [self] _, body in createContact(body) }
        route("GET", "/contacts") { [self] request, _ in listContacts(request.query) }
        route("GET", "/contacts/{id}") { [self] request, _ in contact(request.pathParameters["id"] ?? "") }
        route("PUT", "/contacts/{id}") { [self] request, body in updateContact(request.pathParameters["id"] ?? "", body) }
        route("PUT", "/contacts") { [self] request, body in
            upsert(request, body, key: "contact", table: \.contacts, create: { createContact($0) }, update: { updateContact($0, $1) })
        }
    }

    func createContact(_ body: [String: Any]) -> Response {
        guard let name = body["contact_name"] as? String, !name.isEmpty else { return Self.invalid("contact_name") }
        return state.withLock { state in
            if state.contacts.values.contains(where: { ($0["contact_name"] as? String)?.lowercased() == name.lowercased() }) {
                return SandboxResponses.json(400, ["code": 1001, "message": "The customer \"\(name)\" already exists."])
            }
            // A contact deals in one currency, its invoices and payments too; the base one unless set.
            let currency = (body["currency_id"] as? String).flatMap { id in Self.dollarValue.first { $0.id == id }?.code } ?? baseCurrency
            let now = Self.timestamp()
            var contact: [String: Any] = [
                "contact_id": state.nextId(), "contact_name": name, "contact_type": body["contact_type"] ?? "customer",
                "customer_sub_type": body["customer_sub_type"] ?? "business", "status": "active", "currency_code": currency,
                "currency_id": Self.dollarValue.first { $0.code == currency }?.id ?? "", "company_name": body["company_name"] ?? "",
                "payment_terms": body["payment_terms"] ?? 0, "notes": body["notes"] ?? "", "created_time": now, "last_modified_time": now,
                "billing_address": body["billing_address"] ?? [String: Any](), "shipping_address": body["shipping_address"] ?? [String: Any](),
                "custom_fields": body["custom_fields"] ?? [Any](),
            ]
            contact.merge(Self.persons(body["contact_persons"] as? [[String: Any]] ?? [], fallbackEmail: body["email"] as? String, state: &state)) { $1 }
            state.contacts[contact["contact_id"] as! String] = contact
            return SandboxResponses.json(201, ["code": 0, "message": "The contact has been added.", "contact": contact])
        }
    }

    func updateContact(_ id: String, _ body: [String: Any]) -> Response {
        state.withLock { state in
            guard var contact = state.contacts[id] else { return Self.missing("Contact") }
            if let name = body["contact_name"] as? String {
                guard !name.isEmpty else { return Self.invalid("contact_name") }
                if state.contacts.contains(where: { $0.key != id && ($0.value["contact_name"] as? String)?.lowercased() == name.lowercased() }) {
                    return SandboxResponses.json(400, ["code": 1001, "message": "The customer \"\(name)\" already exists."])
                }
            }
            for key in ["contact_name", "company_name", "payment_terms", "notes", "billing_address", "shipping_address", "custom_fields", "contact_type"] {
                if let value = body[key] { contact[key] = value }
            }
            if let persons = body["contact_persons"] as? [[String: Any]] {
                contact.merge(Self.persons(persons, fallbackEmail: nil, state: &state)) { $1 }
            }
            contact["last_modified_time"] = Self.timestamp()
            state.contacts[id] = contact
            return SandboxResponses.json(200, ["code": 0, "message": "Contact has been updated successfully", "contact": contact])
        }
    }

    /// `contact_persons` with ids, the first primary, and the contact's `email` and
    /// `primary_contact_id` from it.
    static func persons(_ given: [[String: Any]], fallbackEmail: String?, state: inout State) -> [String: Any] {
        var persons = given
        if persons.isEmpty, let fallbackEmail, !fallbackEmail.isEmpty { persons = [["email": fallbackEmail]] }
        for index in persons.indices {
            persons[index]["contact_person_id"] = persons[index]["contact_person_id"] ?? state.nextId()
            persons[index]["is_primary_contact"] = index == 0
            for key in ["first_name", "last_name", "email", "phone", "mobile"] where persons[index][key] == nil { persons[index][key] = "" }
        }
        return [
            "contact_persons": persons, "primary_contact_id": persons.first?["contact_person_id"] ?? "",
            "email": persons.first?["email"] ?? "",
        ]
    }

    func listContacts(_ query: [String: String]) -> Response {
        let all = state.withLock { Array($0.contacts.values) }
        let found = all.filter { contact in
            let name = (contact["contact_name"] as? String ?? "").lowercased()
            return (query["contact_name"].map { $0.lowercased() == name } ?? true)
                && (query["contact_name_startswith"].map { name.hasPrefix($0.lowercased()) } ?? true)
                && (query["contact_name_contains"].map { name.contains($0.lowercased()) } ?? true)
                && (query["email"].map { $0.lowercased() == (contact["email"] as? String)?.lowercased() } ?? true)
                && (query["search_text"].map { name.contains($0.lowercased()) } ?? true)
        }
        return Self.page("contacts", found, query)
    }

    /// A contact with the balances Books keeps on it: what its open invoices still owe, and the
    /// credit (credit notes not yet applied or refunded) it holds.
    func contact(_ id: String) -> Response {
        state.withLock { state in
            guard var contact = state.contacts[id] else { return Self.missing("Contact") }
            let owed = state.invoices.values.filter { $0["customer_id"] as? String == id && !["void", "draft"].contains($0["status"] as? String) }
                .reduce(Decimal(0)) { $0 + (SandboxResponses.decimal($1["balance"]) ?? 0) }
            let credit = state.creditNotes.values.filter { $0["customer_id"] as? String == id }
                .reduce(Decimal(0)) { $0 + (SandboxResponses.decimal($1["balance"]) ?? 0) }
            contact["outstanding_receivable_amount"] = Self.number(owed)
            contact["unused_credits_receivable_amount"] = Self.number(credit)
            return SandboxResponses.json(200, ["code": 0, "message": "success", "contact": contact])
        }
    }
}
