import Foundation
import Testing
import Sandbox

/// The Books emulator against Zoho's documented API v3 (reference section 2, Books' OAS files):
/// invoices created as drafts, records read and changed by id, upserts by a unique custom field,
/// payment refunds, paging, the `X-Rate-Limit-*` headers, and Zoho's `code`/`message` envelope
/// for everything that goes wrong.
@Suite("Sandbox fidelity: Zoho Books")
struct ZohoBooksFidelityTests {
    let sandbox: SandboxServer
    let auth: [String: String]

    init() throws {
        sandbox = try PayTraceFixtures.sandbox()
        auth = VendorHTTP.zoho(try VendorHTTP.zohoTokens(sandbox).access)
    }

    func call(_ method: String, _ path: String, json: Any? = nil, headers: [String: String] = [:], body: String? = nil) throws -> VendorHTTP.Answer {
        let separator = path.contains("?") ? "&" : "?"
        return try VendorHTTP.send(
            sandbox, method, "/zoho/api/books/v3" + path + separator + "organization_id=20071234", headers: auth.merging(headers) { $1 }, json: json,
            body: body)
    }

    func customer(_ name: String) throws -> String {
        try #require(
            (try call("POST", "/contacts", json: ["contact_name": name, "email": "\(name.lowercased())@example.com"])["contact"] as? [String: Any])?[
                "contact_id"] as? String)
    }

    func invoice(_ customer: String, rate: String = "40.00", query: String = "") throws -> [String: Any] {
        try #require(
            try call(
                "POST", "/invoices" + query,
                json: ["customer_id": customer, "payment_terms": 15, "line_items": [["name": "Tent", "rate": rate, "quantity": 2]]])[
                    "invoice"] as? [String: Any])
    }

    @Test func invoicesAreDraftsUntilMarkedSent() throws {
        defer { sandbox.shutdown() }
        let customer = try customer("Drafty")
        let draft = try invoice(customer)
        let id = try #require(draft["invoice_id"] as? String)
        #expect(draft["status"] as? String == "draft")
        #expect((draft["date"] as? String)?.count == 10 && (draft["due_date"] as? String ?? "") > (draft["date"] as? String ?? ""))
        #expect("\(draft["sub_total"] ?? "")" == "80" && "\(draft["tax_total"] ?? "")" == "0" && "\(draft["total"] ?? "")" == "80")
        #expect(draft["created_time"] is String && draft["last_modified_time"] is String)
        #expect((draft["line_items"] as? [[String: Any]])?.first?["line_item_id"] is String)
        let early = try call(
            "POST", "/customerpayments",
            json: ["customer_id": customer, "amount": 80, "payment_mode": "cash", "invoices": [["invoice_id": id, "amount_applied": 80]]])
        #expect(early.status == 400 && early["code"] as? Int == 24019)
        #expect(try call("POST", "/invoices/\(id)/status/sent")["code"] as? Int == 0)
        #expect((try call("GET", "/invoices/\(id)")["invoice"] as? [String: Any])?["status"] as? String == "sent")
        #expect(try call("POST", "/invoices/\(id)/status/draft")["code"] as? Int == 0)
        let sent = try invoice(customer, query: "?send=true")
        #expect(sent["status"] as? String == "sent")
        let sentId = try #require(sent["invoice_id"] as? String)
        #expect(try call("POST", "/invoices/\(sentId)/status/void")["code"] as? Int == 0)
        #expect((try call("GET", "/invoices/\(sentId)")["invoice"] as? [String: Any])?["status"] as? String == "void")
    }

    @Test func recordsAreReadAndChangedById() throws {
        defer { sandbox.shutdown() }
        let customer = try customer("Byid")
        let invoiceId = try #require(try invoice(customer, query: "?send=true")["invoice_id"] as? String)
        let changed = try call(
            "PUT", "/invoices/\(invoiceId)", json: ["reference_number": "PO-7", "line_items": [["name": "Tent", "rate": "50.00", "quantity": 1]]])
        #expect((changed["invoice"] as? [String: Any]).map { "\($0["total"] ?? "")" == "50" && $0["reference_number"] as? String == "PO-7" } == true)
        let payment = try #require(
            try call(
                "POST", "/customerpayments",
                json: ["customer_id": customer, "amount": 60, "payment_mode": "cash", "invoices": [["invoice_id": invoiceId, "amount_applied": 50]]])[
                    "payment"] as? [String: Any])
        #expect(payment["customer_name"] as? String == "Byid" && "\(payment["unused_amount"] ?? "")" == "10" && payment["account_id"] is String)
        let paymentId = try #require(payment["payment_id"] as? String)
        #expect((try call("GET", "/customerpayments/\(paymentId)")["payment"] as? [String: Any])?["payment_id"] as? String == paymentId)
        #expect(try call("PUT", "/customerpayments/\(paymentId)", json: ["reference_number": "R-1"])["code"] as? Int == 0)
        let refund = try call("POST", "/customerpayments/\(paymentId)/refunds", json: ["amount": 10, "date": "2026-12-01", "refund_mode": "cash"])
        #expect(refund.status == 201 && (refund["payment_refund"] as? [String: Any])?["payment_id"] as? String == paymentId)
        let tooMuch = try call("POST", "/customerpayments/\(paymentId)/refunds", json: ["amount": 1, "date": "2026-12-01"])
        #expect(tooMuch.status == 400 && (tooMuch["code"] as? Int ?? 0) != 0, "only the excess can be refunded")
        let note = try #require(
            (try call("POST", "/creditnotes", json: ["customer_id": customer, "date": "2026-12-01", "line_items": [["name": "Back", "rate": "5.00"]]])[
                "creditnote"] as? [String: Any])?["creditnote_id"] as? String)
        #expect(try call("PUT", "/creditnotes/\(note)", json: ["reference_number": "CN-REF"])["code"] as? Int == 0)
        #expect((try call("GET", "/creditnotes/\(note)")["creditnote"] as? [String: Any])?["reference_number"] as? String == "CN-REF")
        let journal = try #require(
            (try call(
                "POST", "/journals",
                json: [
                    "journal_date": "2026-12-01",
                    "line_items": [
                        ["account_id": "460000000000370", "debit_or_credit": "debit", "amount": 3],
                        ["account_id": "460000000000358", "debit_or_credit": "credit", "amount": 3],
                    ],
                ])["journal"] as? [String: Any])?["journal_id"] as? String)
        #expect(try call("PUT", "/journals/\(journal)", json: ["notes": "fees"])["code"] as? Int == 0)
        #expect((try call("GET", "/journals/\(journal)")["journal"] as? [String: Any])?["notes"] as? String == "fees")
        for path in ["/invoices/1", "/customerpayments/1", "/creditnotes/1", "/journals/1", "/contacts/1"] {
            let missing = try call("GET", path)
            #expect(missing.status == 404 && missing["code"] as? Int == 1002 && (missing["message"] as? String ?? "").hasSuffix("does not exist."), "\(path)")
        }
    }

    @Test func upsertByAUniqueCustomField() throws {
        defer { sandbox.shutdown() }
        let key = ["X-Unique-Identifier-Key": "cf_paytrace_id", "X-Unique-Identifier-Value": "cust-77"]
        let absent = try call("PUT", "/contacts", json: ["contact_name": "Upserted"], headers: key)
        #expect(absent.status == 404 && absent["code"] as? Int == 1002, "without X-Upsert nothing is created")
        let created = try call("PUT", "/contacts", json: ["contact_name": "Upserted"], headers: key.merging(["X-Upsert": "true"]) { $1 })
        let id = try #require((created["contact"] as? [String: Any])?["contact_id"] as? String)
        let updated = try call("PUT", "/contacts", json: ["company_name": "Upserted Inc"], headers: key.merging(["X-Upsert": "true"]) { $1 })
        #expect((updated["contact"] as? [String: Any])?["contact_id"] as? String == id)
        let contact = try #require(try call("GET", "/contacts/\(id)")["contact"] as? [String: Any])
        #expect(contact["company_name"] as? String == "Upserted Inc")
        #expect((contact["contact_persons"] as? [[String: Any]]) != nil && contact["primary_contact_id"] != nil)
        // Invoices by the same headers: created once, then found and changed.
        let invoiceKey = ["X-Unique-Identifier-Key": "cf_order_id", "X-Unique-Identifier-Value": "ORD-9", "X-Upsert": "true"]
        let body: [String: Any] = ["customer_id": id, "line_items": [["name": "Tent", "rate": "10.00", "quantity": 1]]]
        let first = try #require(try call("PUT", "/invoices", json: body, headers: invoiceKey)["invoice"] as? [String: Any])
        let second = try #require(try call("PUT", "/invoices", json: ["reference_number": "ORD-9"], headers: invoiceKey)["invoice"] as? [String: Any])
        #expect(first["invoice_id"] as? String == second["invoice_id"] as? String && second["reference_number"] as? String == "ORD-9")
    }

    @Test func rateLimitHeadersPagingAndPaths() throws {
        defer { sandbox.shutdown() }
        let first = try call("GET", "/contacts")
        let second = try call("GET", "/contacts/")
        #expect(second.status == 200, "a trailing slash is the same list")
        for answer in [first, second] {
            #expect(answer.header("X-Rate-Limit-Limit") != nil && answer.header("X-Rate-Limit-Reset").flatMap(Int.init) != nil)
        }
        #expect(Int(second.header("X-Rate-Limit-Remaining") ?? "")! == Int(first.header("X-Rate-Limit-Remaining") ?? "")! - 1)
        for index in 0..<3 { _ = try customer("Paged \(index)") }
        let page = try call("GET", "/contacts?per_page=2&page=1")
        let context = try #require(page["page_context"] as? [String: Any])
        #expect((page["contacts"] as? [[String: Any]])?.count == 2 && context["has_more_page"] as? Bool == true && context["per_page"] as? Int == 2)
        #expect((try call("GET", "/contacts?per_page=2&page=2")["page_context"] as? [String: Any])?["has_more_page"] as? Bool == false)
        let unknown = try call("GET", "/nothing")
        #expect(unknown.status == 404 && unknown["code"] as? Int == 5 && unknown["message"] as? String == "Invalid URL Passed")
        let method = try call("PATCH", "/contacts")
        #expect(method.status == 405 && (method["code"] as? Int ?? 0) != 0)
        let form = try call("POST", "/contacts", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: "contact_name=Form")
        #expect(form.status == 400 && form["code"] as? Int == 1038, "a form body that is not JSONString")
        let spent = sandbox.zohoLimits
        spent.configure(.init(dailyQuota: 1))
        _ = try call("GET", "/contacts")
        let refused = try call("GET", "/contacts")
        #expect(refused.status == 429 && refused["code"] as? Int == 45 && refused.header("X-Rate-Limit-Remaining") == "0")
    }
}
