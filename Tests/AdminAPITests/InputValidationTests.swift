import Foundation
import Testing
import ClearlineTesting

@Suite("Bad input gets a 4xx problem, never a 5xx or a crash", .requiresDatabase)
struct InputValidationTests {
    @Test func malformedJSONIs400() async throws {
        for body in ["{", "not json", "[1,2]", "\"text\"", "{\"name\": }", "\u{0}"] {
            let reply = try await Client.send("POST", "/v1/tenants", body: Data(body.utf8), headers: ["Content-Type": "application/json"])
            #expect(reply.status == 400, "\(body.debugDescription) answered \(reply.status)")
            #expect(reply.isProblem)
        }
    }

    @Test func wrongTypesNameTheField() async throws {
        let reply = try await Client.send("POST", "/v1/tenants", json: ["name": 42, "slug": ["a"]])
        #expect(reply.status == 422)
        #expect(reply.isProblem)
        let fields = ((reply.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
        #expect(Set(fields) == ["name", "slug"])
    }

    @Test func unknownFieldsAreRejected() async throws {
        let reply = try await Client.send("POST", "/v1/tenants", json: ["name": "Ok", "slug": Fixtures.uniqueSlug(), "is_admin": true])
        #expect(reply.status == 422)
        let fields = ((reply.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
        #expect(fields == ["is_admin"])
    }

    @Test func invalidValuesAre422() async throws {
        let tenant = try await Fixtures.tenant()
        let cases: [(String, String, [String: Any])] = [
            ("POST", "/v1/tenants", ["name": "", "slug": "Bad Slug"]),
            ("POST", "/v1/tenants", ["name": String(repeating: "x", count: 201), "slug": "ok-slug"]),
            ("POST", "/v1/tenants/\(tenant)/api-keys", ["name": "k", "role": "superuser"]),
            ("POST", "/v1/tenants/\(tenant)/users", ["email": "not-an-email", "password": "short", "role": "viewer"]),
            ("PATCH", "/v1/tenants/\(tenant)", [:]),
            ("PATCH", "/v1/tenants/\(tenant)", ["status": "deleted"]),
        ]
        for (method, path, body) in cases {
            let reply = try await Client.send(method, path, json: body)
            #expect(reply.status == 422, "\(method) \(path) \(body) answered \(reply.status)")
            #expect(reply.isProblem)
        }
    }

    @Test func nonJSONMediaTypeIs415AndEmptyBodyIs400() async throws {
        let form = try await Client.send("POST", "/v1/tenants", body: Data("name=x".utf8), headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(form.status == 415)
        let empty = try await Client.send("POST", "/v1/tenants", body: Data(), headers: ["Content-Type": "application/json"])
        #expect(empty.status == 400)
    }

    @Test func badPaginationIs422() async throws {
        for query in ["limit=0", "limit=201", "limit=abc", "cursor=%%%", "cursor=bm90LWEtY3Vyc29y"] {
            let reply = try await Client.send("GET", "/v1/tenants?\(query)")
            #expect(reply.status == 422, "\(query) answered \(reply.status)")
        }
    }

    @Test func declaredOversizedBodyIs413BeforeItIsRead() throws {
        let port = TestServer.shared.http.port
        let head =
            "POST /v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(TestServer.shared.platformToken)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(TestServer.maxBodyBytes * 16)\r\n\r\n"
        let response = try RawHTTP.exchange(Array(head.utf8), port: port)
        #expect(RawHTTP.status(of: response) == 413)
        #expect(response.contains("application/problem+json"))
        #expect(response.lowercased().contains("x-request-id:"))
    }

    /// Issue 14, item 8: requests whose head can be read two ways are refused, not guessed at.
    @Test func ambiguousRequestHeadsAre400AndANulNeverCutsAPath() throws {
        let port = TestServer.shared.http.port
        func status(_ text: String) throws -> Int? { RawHTTP.status(of: try RawHTTP.exchange(Array(text.utf8), port: port)) }
        #expect(try status("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}") == 400, "two lengths")
        #expect(
            try status("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400,
            "a length beside chunked")
        // %00 is not an end of the path: /healthz%00/x is not /healthz.
        #expect(try status("GET /healthz%00/x HTTP/1.1\r\nHost: x\r\n\r\n") == 404)
        #expect(try status("GET /health%7A HTTP/1.1\r\nHost: x\r\n\r\n") == 200, "other escapes still decode")

        // A NUL inside a header's value, which libmicrohttpd would end the value at (HiddenHeaderBytes).
        let withNUL = [
            "X-Test: ab\u{0}cd\r\nHost: x", "Host: x\r\nX-Test: ab\u{0}cd", "Host: x\r\nX-Test: ab\u{0}", "Host: x\r\nX-Test:\u{0}ab",
            "Host: x\r\nClearline-Event-Id: evt\u{0}4111111111111111\r\nAccept: */*",
        ]
        for head in withNUL {
            #expect(try status("GET /healthz HTTP/1.1\r\n\(head)\r\n\r\n") == 400, "\(head.debugDescription)")
        }
        // What it must not refuse: trailing spaces, empty values, bare LF line ends, a folded line,
        // escapes in the target, a long head sent in pieces.
        let clean = [
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Test: ab  \r\nX-Empty:\r\nX-Spaces:   \r\n\r\n", "GET /healthz HTTP/1.1\nHost: x\nX-A: 1\n\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-F: a\r\n  folded\r\nX-L: z\r\n\r\n", "GET /health%7A?q=%20a HTTP/1.1\r\nHost: x\r\nCookie: a=b; c=d\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\n" + (0..<60).map { "X-H\($0): \(String(repeating: "v", count: 100))\r\n" }.joined() + "\r\n",
        ]
        for head in clean {
            #expect(try status(head) == 200, "\(head.prefix(80).debugDescription)")
        }
    }

    @Test func chunkedOversizedBodyIs413() throws {
        let port = TestServer.shared.http.port
        var bytes = Array("POST /v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 16 * 1024)
        for _ in 0..<6 {
            bytes += Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10]
        }
        bytes += Array("0\r\n\r\n".utf8)
        let response = try RawHTTP.exchange(bytes, port: port)
        #expect(RawHTTP.status(of: response) == 413)
    }

    @Test func garbageNeverCrashesTheServer() async throws {
        let port = TestServer.shared.http.port
        var generator = SystemRandomNumberGenerator()
        let methods = ["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "HEAD", "BREW"]
        let paths = [
            "/v1/tenants", "/v1/tenants/%00", "/v1/tenants/../../etc/passwd", "/v1/tenants/\(UUID())/api-keys/x",
            "/v1/auth/login", "/%ff%fe", "/v1/tenants?limit=-1&cursor=\u{7f}", "/" + String(repeating: "a", count: 3000),
        ]
        for i in 0..<150 {
            let method = methods.randomElement(using: &generator)!
            let path = paths.randomElement(using: &generator)!
            let junk = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let head =
                "\(method) \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(junk.count)\r\n"
                + (i % 2 == 0 ? "Authorization: Bearer \(TestServer.shared.platformToken)\r\n" : "") + "\r\n"
            let response = try RawHTTP.exchange(Array(head.utf8) + junk, port: port, readTimeout: 2)
            if let status = RawHTTP.status(of: response) {
                #expect(status < 500, "\(method) \(path) answered \(status)")
            }
            #expect(!response.contains("Fatal error"))
        }
        // Raw protocol garbage, not even HTTP.
        _ = try RawHTTP.exchange(Array("\u{1}\u{2}GARBAGE\r\n\r\n".utf8), port: port, readTimeout: 2)
        #expect(try await Client.send("GET", "/healthz", auth: .none).status == 200)
    }
}
