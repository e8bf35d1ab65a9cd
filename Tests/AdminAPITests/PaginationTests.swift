import Foundation
import Testing
import ClearlineTesting

@Suite("Cursor pagination", .requiresDatabase)
struct PaginationTests {
    @Test func pagesCoverEveryItemOnceInOrder() async throws {
        let tenant = try await Fixtures.tenant()
        var created: [String] = []
        for _ in 0..<7 { created.append(try await Fixtures.apiKey(tenant, role: "viewer").id) }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let query = "limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
            let reply = try await Client.send("GET", "/v1/tenants/\(tenant)/api-keys?\(query)")
            #expect(reply.status == 200)
            seen += reply.items.compactMap { $0["id"] as? String }
            cursor = reply.json["next_cursor"] as? String
            #expect(reply.json.keys.contains("next_cursor"))
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        #expect(seen == created)
    }

    @Test func environmentsAreDevQaProd() async throws {
        let tenant = try await Fixtures.tenant()
        let reply = try await Client.send("GET", "/v1/tenants/\(tenant)/environments")
        #expect(reply.items.compactMap { $0["name"] as? String }.sorted() == ["dev", "prod", "qa"])
        #expect(reply.json["next_cursor"] is NSNull)
    }
}
