import Foundation
import Testing
import Sandbox

/// The CRM emulator against Zoho's documented API v8 (reference section 4, `zoho/crm-oas`): the
/// settings the official SDKs read first, search by criteria, word, phone and e-mail, insert with
/// its duplicate and mandatory checks, update, and lists paged by `info.more_records`.
@Suite("Sandbox fidelity: Zoho CRM")
struct ZohoCRMFidelityTests {
    let sandbox: SandboxServer
    let auth: [String: String]

    init() throws {
        sandbox = try PayTraceFixtures.sandbox()
        auth = VendorHTTP.zoho(try VendorHTTP.zohoTokens(sandbox).access)
    }

    func call(_ method: String, _ path: String, json: Any? = nil) throws -> VendorHTTP.Answer {
        try VendorHTTP.send(sandbox, method, "/zoho/api/crm/v8" + path, headers: auth, json: json)
    }

    func insert(_ records: [[String: Any]]) throws -> VendorHTTP.Answer { try call("POST", "/Contacts", json: ["data": records]) }

    @Test func settingsDescribeModulesAndFields() throws {
        defer { sandbox.shutdown() }
        let modules = try call("GET", "/settings/modules")["modules"] as? [[String: Any]] ?? []
        #expect(Set(modules.compactMap { $0["api_name"] as? String }).isSuperset(of: ["Leads", "Contacts", "Accounts", "Deals"]))
        #expect(modules.allSatisfy { $0["api_supported"] as? Bool == true })
        let fields = try call("GET", "/settings/fields?module=Contacts")["fields"] as? [[String: Any]] ?? []
        let lastName = try #require(fields.first { $0["api_name"] as? String == "Last_Name" })
        #expect(lastName["system_mandatory"] as? Bool == true && lastName["data_type"] as? String == "text" && lastName["json_type"] as? String == "string")
        #expect(fields.first { $0["api_name"] as? String == "Email" }?["unique"] != nil)
        let unknown = try call("GET", "/settings/fields?module=Widgets")
        #expect(unknown.status == 400 && unknown["code"] as? String == "INVALID_MODULE" && unknown["status"] as? String == "error")
        #expect((try call("GET", "/users?type=CurrentUser")["users"] as? [[String: Any]])?.first?["email"] as? String != nil)
        #expect((try call("GET", "/org")["org"] as? [[String: Any]])?.first?["zgid"] as? String != nil)
        // Every version prefix from v2 serves the same API.
        #expect(try VendorHTTP.send(sandbox, "GET", "/zoho/api/crm/v2/settings/modules", headers: auth).status == 200)
    }

    @Test func insertChecksMandatoryFieldsDuplicatesAndTheLimit() throws {
        defer { sandbox.shutdown() }
        let created = try insert([["Last_Name": "Hopper", "Email": "grace@example.com"]])
        #expect(created.status == 201)
        let outcome = try #require((created["data"] as? [[String: Any]])?.first)
        #expect(outcome["code"] as? String == "SUCCESS" && outcome["message"] as? String == "record added")
        let id = try #require((outcome["details"] as? [String: Any])?["id"] as? String)
        let again = try insert([["Last_Name": "Hopper", "Email": "GRACE@example.com"], ["First_Name": "No last name"]])
        let outcomes = again["data"] as? [[String: Any]] ?? []
        #expect(again.status == 202 && outcomes.map { $0["code"] as? String } == ["DUPLICATE_DATA", "MANDATORY_NOT_FOUND"])
        let duplicate = outcomes.first?["details"] as? [String: Any]
        #expect(duplicate?["api_name"] as? String == "Email" && (duplicate?["duplicate_record"] as? [String: Any])?["id"] as? String == id)
        #expect((outcomes.last?["details"] as? [String: Any])?["api_name"] as? String == "Last_Name")
        let tooMany = try insert((0..<101).map { ["Last_Name": "N\($0)"] })
        #expect(tooMany.status == 400 && tooMany["code"] as? String == "LIMIT_EXCEEDED")
    }

    @Test func updateByIdAndInABatch() throws {
        defer { sandbox.shutdown() }
        let id = try #require(
            ((try insert([["Last_Name": "Lamarr", "Email": "hedy@example.com"]])["data"] as? [[String: Any]])?.first?["details"] as? [String: Any])?["id"]
                as? String)
        #expect(try call("PUT", "/Contacts/\(id)", json: ["data": [["Phone": "555-0101"]]]).status == 200)
        let batch = try call("PUT", "/Contacts", json: ["data": [["id": id, "First_Name": "Hedy"], ["id": "1", "First_Name": "Nobody"]]])
        #expect((batch["data"] as? [[String: Any]])?.map { $0["code"] as? String } == ["SUCCESS", "INVALID_DATA"])
        let record = (try call("GET", "/Contacts/\(id)")["data"] as? [[String: Any]])?.first
        #expect(record?["Phone"] as? String == "555-0101" && record?["First_Name"] as? String == "Hedy")
        #expect(try call("GET", "/Contacts/999").status == 204)
    }

    @Test func searchByCriteriaWordPhoneAndEmail() throws {
        defer { sandbox.shutdown() }
        _ = try insert([
            ["Last_Name": "Babbage", "First_Name": "Charles", "Email": "cb@example.com", "Phone": "(555) 010-0001"],
            ["Last_Name": "Byron", "First_Name": "Ada", "Email": "ada@example.com", "Phone": "555-010-0002"],
            ["Last_Name": "Turing", "First_Name": "Alan", "Email": "alan@example.com"],
        ])
        func names(_ query: String) throws -> [String] {
            let answer = try call("GET", "/Contacts/search?" + query)
            return (answer["data"] as? [[String: Any]] ?? []).compactMap { $0["Last_Name"] as? String }.sorted()
        }
        #expect(try names("criteria=(Last_Name:starts_with:B)") == ["Babbage", "Byron"])
        #expect(try names("criteria=((Last_Name:starts_with:B)and(First_Name:equals:ada))") == ["Byron"])
        #expect(try names("criteria=((Last_Name:equals:Turing)or(Email:equals:cb@example.com))") == ["Babbage", "Turing"])
        #expect(try names("criteria=(Last_Name:in:Turing,Byron)") == ["Byron", "Turing"])
        #expect(try names("word=abbag") == ["Babbage"])
        #expect(try names("phone=5550100002") == ["Byron"])
        #expect(try names("email=ALAN@example.com") == ["Turing"])
        #expect(try call("GET", "/Contacts/search?criteria=(Last_Name:equals:Nobody)").status == 204)
        let bad = try call("GET", "/Contacts/search?criteria=(Last_Name:resembles:B)")
        #expect(bad.status == 400 && bad["code"] as? String == "INVALID_QUERY")
        let missing = try call("GET", "/Contacts/search")
        #expect(missing.status == 400 && missing["code"] as? String == "REQUIRED_PARAM_MISSING")
    }

    @Test func listsPageWithMoreRecords() throws {
        defer { sandbox.shutdown() }
        _ = try insert((0..<5).map { ["Last_Name": "Pager \($0)", "Email": "p\($0)@example.com"] })
        #expect(try call("GET", "/Contacts")["code"] as? String == "REQUIRED_PARAM_MISSING", "v8 lists need fields")
        var seen: [String] = []
        var page = 1
        while true {
            let answer = try call("GET", "/Contacts?fields=Last_Name&per_page=2&page=\(page)")
            let info = try #require(answer["info"] as? [String: Any])
            seen += (answer["data"] as? [[String: Any]] ?? []).compactMap { $0["Last_Name"] as? String }
            #expect((answer["data"] as? [[String: Any]])?.allSatisfy { $0["Email"] == nil } == true, "only the fields asked for")
            if info["more_records"] as? Bool != true { break }
            page += 1
        }
        #expect(page == 3 && Set(seen).count == 5)
        #expect(try call("GET", "/Contacts?fields=Last_Name&per_page=2&page=4").status == 204)
    }

    @Test func errorsUseZohosEnvelope() throws {
        defer { sandbox.shutdown() }
        let unknownPath = try call("GET", "/Contacts/1/nothing/here")
        #expect(unknownPath.status == 404 && unknownPath["code"] as? String == "INVALID_URL_PATTERN")
        let badToken = try VendorHTTP.send(sandbox, "GET", "/zoho/api/crm/v8/org", headers: ["Authorization": "Zoho-oauthtoken 1000.bad"])
        #expect(badToken.status == 401 && badToken["code"] as? String == "INVALID_TOKEN" && badToken["message"] as? String == "invalid oauth token")
        let module = try call("GET", "/Widgets/search?word=ab")
        #expect(module.status == 400 && module["code"] as? String == "INVALID_MODULE")
    }
}
