import Testing
import HTTPServer
@testable import AdminAPI

/// New request ids: the process's prefix and a counter in lowercase hex.
@Suite("Request ids")
struct RequestIDTests {
    static let request = Request(method: "GET", path: "/healthz", query: [:], headers: [:], body: [], clientAddress: "127.0.0.1")

    @Test func newIdsAreThePrefixAndTheNextCountInHex() throws {
        let ids = (0..<300).map { _ in RequestID.of(Self.request) }
        let prefix = String(ids[0].prefix(16))
        #expect(prefix.hasPrefix("req_") && prefix.dropFirst(4).allSatisfy(\.isHexDigit))
        let counts = try ids.map { id in
            #expect(id.hasPrefix(prefix))
            let digits = id.dropFirst(16)
            #expect(!digits.isEmpty && digits.allSatisfy { $0.isHexDigit && !$0.isUppercase } && (digits == "0" || !digits.hasPrefix("0")))
            return try #require(UInt64(digits, radix: 16))
        }
        // Other suites' requests may take counts in between, in parallel: they only grow.
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func aSafeIdTheCallerGaveIsKept() {
        let given = Request(method: "GET", path: "/", query: [:], headers: ["x-request-id": "abc-123.X_y"], body: [], clientAddress: "")
        #expect(RequestID.of(given) == "abc-123.X_y")
        let unsafe = Request(method: "GET", path: "/", query: [:], headers: ["x-request-id": "a b"], body: [], clientAddress: "")
        #expect(RequestID.of(unsafe).hasPrefix("req_"))
    }
}
